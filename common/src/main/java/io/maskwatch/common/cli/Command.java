package io.maskwatch.common.cli;

import java.util.List;

/**
 * One {@code ./maskwatch} subcommand. The launcher ({@code io.maskwatch.app.Main}) lists each by
 * name with a factory (usually its constructor); it is built only when chosen or for the help text.
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
