package io.maskwatch.alerter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

final class EmbeddedDirs {
    private EmbeddedDirs() {
    }

    static void delete(Path dir) {
        io.maskwatch.common.io.Directories.deleteRecursively(dir);
    }
}
