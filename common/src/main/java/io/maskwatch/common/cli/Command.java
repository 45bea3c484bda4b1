package io.maskwatch.common.cli;

import java.util.List;

/**
 * One {@code ./maskwatch} subcommand. Implementations have a public no-argument constructor;
 * the launcher ({@code io.maskwatch.app.Main}) lists them by name.
 */
public interface Command {
    /** One line for the launcher's help. */
    String summary();

    /** Usage text printed for {@code --help} and on bad arguments. */
    String usage();

    /**
     * Runs the command; blocks until it is done (or, for services, until shutdown).
     *
     * @return process exit code: 0 ok, 2 bad usage or configuration, 1 failure
     */
    int run(List<String> args) throws Exception;
}
