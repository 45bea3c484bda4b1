package io.maskwatch.app;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.config.ConfigException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the {@code ./maskwatch} launcher: picks the subcommand and runs it.
 * Each service module provides its command; this table is the one place that names them.
 */
public final class Main {
    /** Subcommand name to implementing class, in help order. */
    static final Map<String, String> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("demo", "io.maskwatch.app.DemoCommand");
        COMMANDS.put("ingest", "io.maskwatch.ingest.IngestCommand");
        COMMANDS.put("detector", "io.maskwatch.detector.DetectorCommand");
        COMMANDS.put("alerter", "io.maskwatch.alerter.AlerterCommand");
        COMMANDS.put("analyze", "io.maskwatch.detector.AnalyzeCommand");
        COMMANDS.put("eval", "io.maskwatch.detector.EvalCommand");
        COMMANDS.put("crops", "io.maskwatch.detector.CropsCommand");
        COMMANDS.put("train", "io.maskwatch.model.training.TrainCommand");
        COMMANDS.put("bench", "io.maskwatch.app.BenchCommand");
        COMMANDS.put("models", "io.maskwatch.detector.catalogue.ModelsCommand");
    }

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(Arrays.asList(argv)));
    }

    static int run(List<String> argv) {
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help") || argv.get(0).equals("-h")) {
            System.out.println(help());
            return argv.isEmpty() ? 2 : 0;
        }
        String name = argv.get(0);
        Command command = load(name);
        if (command == null) {
            System.err.println(COMMANDS.containsKey(name)
                    ? "maskwatch: '" + name + "' is not available in this build yet.\n" + help()
                    : "maskwatch: unknown command '" + name + "'.\n" + help());
            return 2;
        }
        List<String> rest = argv.subList(1, argv.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            System.out.println(command.usage());
            return 0;
        }
        try {
            return command.run(rest);
        } catch (Args.UsageException e) {
            System.err.println("maskwatch " + name + ": " + e.getMessage() + "\n\n" + command.usage());
            return 2;
        } catch (ConfigException e) {
            System.err.println("maskwatch " + name + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("maskwatch " + name + " failed: " + e.getMessage());
            e.printStackTrace(System.err);
            return 1;
        }
    }

    static Command load(String name) {
        String cls = COMMANDS.get(name);
        if (cls == null) {
            return null;
        }
        try {
            return (Command) Class.forName(cls).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create command " + cls, e);
        }
    }

    static String help() {
        StringBuilder sb = new StringBuilder("""
                MaskWatch - real-time face-mask compliance for camera networks

                usage: ./maskwatch <command> [options]     (./maskwatch <command> --help for its options)

                commands:
                """);
        for (var e : COMMANDS.entrySet()) {
            Command c = load(e.getKey());
            sb.append(String.format("  %-9s %s%n", e.getKey(), c == null ? "(not available in this build yet)" : c.summary()));
        }
        return sb.toString();
    }
}
