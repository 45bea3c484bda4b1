package io.maskwatch.app;

import io.maskwatch.alerter.AlerterCommand;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.kafka.KafkaAccessCheck;
import io.maskwatch.detector.AnalyzeCommand;
import io.maskwatch.detector.DetectorCommand;
import io.maskwatch.detector.CropsCommand;
import io.maskwatch.detector.EvalCommand;
import io.maskwatch.detector.catalogue.ModelsCommand;
import io.maskwatch.ingest.IngestCommand;
import io.maskwatch.model.training.TrainCommand;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Entry point of the {@code ./maskwatch} launcher: picks the subcommand and runs it.
 * Each service module provides its command; this table is the one place that names them, wired at
 * compile time (a renamed or missing command is a build error, not a runtime surprise).
 */
public final class Main {
    /**
     * Subcommand name to its factory, in help order. Adding a command is one line here. Factories,
     * not instances: only the chosen command is built (help builds each once for its summary).
     */
    static final Map<String, Supplier<Command>> COMMANDS = ordered(
            Map.entry("demo", DemoCommand::new),
            Map.entry("ingest", IngestCommand::new),
            Map.entry("detector", DetectorCommand::new),
            Map.entry("alerter", AlerterCommand::new),
            Map.entry("analyze", AnalyzeCommand::new),
            Map.entry("eval", EvalCommand::new),
            Map.entry("crops", CropsCommand::new),
            Map.entry("painted-crops", PaintedCropsCommand::new),
            Map.entry("train", TrainCommand::new),
            Map.entry("bench", BenchCommand::new),
            Map.entry("models", ModelsCommand::new),
            Map.entry("dlq", io.maskwatch.app.dlq.DlqCommand::new),
            Map.entry("export-feedback", io.maskwatch.app.feedback.ExportFeedbackCommand::new));

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
            System.err.println("maskwatch: unknown command '" + name + "'.\n" + help());
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
        } catch (ConfigException | KafkaAccessCheck.KafkaAccessException e) {
            // wrong settings, credentials or ACLs: the message says what to fix, a stack trace would bury it
            System.err.println("maskwatch " + name + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("maskwatch " + name + " failed: " + e.getMessage());
            e.printStackTrace(System.err);
            return 1;
        }
    }

    /** The command called {@code name}, or null when there is none. */
    static Command load(String name) {
        Supplier<Command> factory = COMMANDS.get(name);
        return factory == null ? null : factory.get();
    }

    @SafeVarargs
    private static Map<String, Supplier<Command>> ordered(Map.Entry<String, Supplier<Command>>... entries) {
        Map<String, Supplier<Command>> map = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<Command>> e : entries) {
            if (map.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalStateException("command '" + e.getKey() + "' is listed twice");
            }
        }
        return Collections.unmodifiableMap(map);
    }

    static String help() {
        StringBuilder sb = new StringBuilder("""
                MaskWatch - real-time face-mask compliance for camera networks

                usage: ./maskwatch <command> [options]     (./maskwatch <command> --help for its options)

                commands:
                """);
        for (var e : COMMANDS.entrySet()) {
            sb.append(String.format("  %-9s %s%n", e.getKey(), e.getValue().get().summary()));
        }
        return sb.toString();
    }
}
