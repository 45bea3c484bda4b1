package io.maskwatch.app;

import io.maskwatch.common.cli.Command;
import java.util.Map;
import java.util.function.Supplier;

/** The launcher's command table ({@link Main#COMMANDS}) for tests outside this package. */
public final class CommandTable {
    private CommandTable() {
    }

    public static Map<String, Supplier<Command>> commands() {
        return Main.COMMANDS;
    }
}
