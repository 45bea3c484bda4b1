package io.maskwatch.common.config;

import java.util.List;

/**
 * A configuration record that checks itself after binding. Problems use keys relative to the
 * section ("threads must be >= 1, got 0"); the loader prefixes them with the section name.
 */
public interface ConfigSection {
    List<String> problems();
}
