package io.maskwatch.app.bench.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskwatch.common.cli.Args;
import io.maskwatch.common.io.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code ./maskwatch bench --what faults|soak}: argument checks and the JSON file; the work is in {@link FaultBench} and {@link SoakBench}. */
public final class FaultsCommand {
    /** The short variant: the four scenarios mvn verify runs (FaultBenchIT). */
    public static final List<String> SHORT = List.of("leader-kill", "detector-kill", "alerter-kill", "poison-frames");

    private FaultsCommand() {
    }

    /** The project root (-Dmaskwatch.home from the launcher, else the nearest directory with the launcher). */
    public static Path repoRoot() {
        String home = System.getProperty("maskwatch.home");
        if (home != null) {
            return Path.of(home).toAbsolutePath();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("maskwatch"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("").toAbsolutePath() : p;
    }

    /** The clips the bench's cameras loop: the two of ../shared/videos with unmasked people first, then the rest. */
    public static List<Path> clips(Path repoRoot) {
        Path videos = repoRoot.resolve("..").resolve("shared").resolve("videos").normalize();
        List<Path> out = new ArrayList<>();
        for (String f : List.of("one-man-no-mask.mp4", "four-people-masks-on-off.mp4", "putting-on-mask.mp4", "one-person-mask.mp4")) {
            if (Files.isRegularFile(videos.resolve(f))) {
                out.add(videos.resolve(f));
            }
        }
        return out;
    }

    public static int run(String what, Args args) throws Exception {
        Path root = repoRoot();
        List<Path> clips = clips(root);
        if (clips.isEmpty()) {
            throw new Args.UsageException("the " + what + " bench loops the clips of ../shared/videos (one-man-no-mask.mp4, ...), "
                    + "not found under " + root.resolve("..").normalize() + "; run it from a checkout next to shared/");
        }
        int cameras = args.intValue("cameras", what.equals("soak") ? 20 : 2);
        if (cameras < 1 || cameras > 64) {
            throw new Args.UsageException("--cameras: one number 1..64 for --what " + what + ", got " + cameras);
        }
        Path work = Files.createTempDirectory("maskwatch-" + what + "-");
        ObjectNode json;
        try {
            if (what.equals("faults")) {
                if (args.has("fps") || args.has("minutes")) {
                    throw new Args.UsageException("--fps and --minutes are for --what soak");
                }
                List<String> scenarios = args.has("scenarios") ? Arrays.stream(args.get("scenarios").split(",")).map(String::trim).toList()
                        : args.has("short") ? SHORT : FaultBench.ALL;
                FaultBench.Options o;
                try {
                    o = new FaultBench.Options(work, root, clips, cameras, 2.0, args.has("short"), scenarios, System.err);
                } catch (IllegalArgumentException e) {
                    throw new Args.UsageException("--scenarios: " + e.getMessage());
                }
                FaultBench.Report r = FaultBench.run(o);
                json = r.json();
                System.out.println(r.markdown());
            } else {
                if (args.has("short") || args.has("scenarios")) {
                    throw new Args.UsageException("--short and --scenarios are for --what faults");
                }
                int minutes = args.intValue("minutes", 30);
                if (minutes < 2) {
                    throw new Args.UsageException("--minutes must be at least 2 (a slope needs samples), got " + minutes);
                }
                double fps = args.doubleValue("fps", 2.0);
                if (!(fps > 0 && fps <= 10)) {
                    throw new Args.UsageException("--fps: frames per second per camera, 0 < fps <= 10, got " + fps);
                }
                SoakBench.Report r = SoakBench.run(new SoakBench.Options(work, root, clips, cameras, fps, minutes, System.err));
                json = r.json();
                System.out.println(r.markdown());
            }
        } finally {
            Directories.deleteRecursively(work);
        }
        if (args.has("json")) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Path.of(args.get("json")).toFile(), json);
            System.err.println("bench: " + what + " results -> " + args.get("json"));
        }
        return 0;
    }
}
