package io.maskwatch.app.feedback;

import io.maskwatch.alerter.review.FeedbackExport;
import io.maskwatch.app.dlq.DlqCommand;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.cli.Command;
import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.config.MaskWatchConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code maskwatch export-feedback}: writes false-alarm face crops as training data ({@link FeedbackExport}). */
public final class ExportFeedbackCommand implements Command {
    private final PrintStream out;
    private final Map<String, String> env;

    public ExportFeedbackCommand() {
        this(System.out, System.getenv());
    }

    ExportFeedbackCommand(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = Map.copyOf(env);
    }

    @Override
    public String summary() {
        return "false alarms marked on the alerter as training crops for `train`";
    }

    @Override
    public String usage() {
        return """
                usage: maskwatch export-feedback --out DIR [--since TIME] [--config FILE]

                Writes the face crop of every alert marked a false alarm (POST /api/alerts/{id}/false-alarm)
                and not erased to DIR/train/<corrected label>/<alert id>.jpg (label mask unless the custodian
                gave one) with DIR/MANIFEST.tsv (source set "feedback"): give DIR to `train` as an extra data
                root next to your usual data (docs/ALERTER.md). Exporting again into DIR updates it and deletes crops of alerts erased since.
                  --out DIR      the folder (new, empty, or an earlier export)
                  --since TIME   only false alarms marked at or after TIME: an ISO date-time
                                 (2026-11-30T09:00:00Z), a date, or an age such as 12h or 7d
                  --config FILE  the kafka section gives the brokers and topic names (default localhost:9092)
                Each crop written is recorded in maskwatch.audit (by cli:USER). See docs/PRIVACY.md.
                """;
    }

    @Override
    public int run(List<String> argv) throws Exception {
        Args args = Args.parse(argv, Set.of("out", "since", "config"), Set.of());
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Path dir = Path.of(args.required("out"));
        Instant since = args.has("since") ? DlqCommand.parseSince(args.get("since"), Instant.now()) : null;
        if (args.has("config") && !Files.isRegularFile(Path.of(args.get("config")))) {
            throw new Args.UsageException("--config " + args.get("config") + " is not a file");
        }
        KafkaSettings kafka = args.has("config")
                ? MaskWatchConfig.load(Path.of(args.get("config")), env).kafka()
                : KafkaSettings.defaults();
        FeedbackExport.Result r;
        try {
            r = FeedbackExport.run(kafka, dir, since == null ? null : since.toEpochMilli(),
                    "cli:" + System.getProperty("user.name", "unknown"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        out.println("export-feedback: " + r.written() + " crop(s) " + r.writtenByLabel() + " in " + dir.resolve("train")
                + (r.removedErased() > 0 ? "; removed " + r.removedErased() + " crop(s) of alerts erased since" : "")
                + (r.withoutFace() > 0 ? "; " + r.withoutFace() + " false alarm(s) had no face crop" : "")
                + (r.expired() > 0 ? "; " + r.expired() + " false alarm(s) no longer in " + kafka.topics().alerts()
                        + " (retention)" : ""));
        if (r.written() > 0) {
            out.println("train with it as an extra root: ./maskwatch train --data YOUR_DATA --data " + dir + " --out models/");
        }
        return 0;
    }
}
