package io.maskwatch.app.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskwatch.common.io.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The short fault suite ({@code ./maskwatch bench --what faults --short}): 3 brokers, ingest, two
 * detectors and the alerter as separate JVMs; the partition leader broker, a detector and the
 * alerter are killed with SIGKILL under load and restarted, and poison frames are produced to the
 * frames topic. Nothing acknowledged may be lost, no alert lost or written twice, and ingest must
 * send again after the broker restart.
 */
class FaultBenchIT {
    @Test
    void shortFaultSuiteLosesAndDuplicatesNothing() throws Exception {
        String project = System.getProperty("maskwatch.project.dir");
        Path root = project != null ? Path.of(project).toAbsolutePath().normalize() : FaultsCommand.repoRoot();
        List<Path> clips = FaultsCommand.clips(root);
        assumeTrue(!clips.isEmpty(), "../shared/videos (one-man-no-mask.mp4, ...) not found next to " + root + "; skipping");
        Path blazeface = Path.of(System.getProperty("user.home"), ".cache", "maskwatch", "models", "blazeface",
                "face_detection_back_256x256_barracuda.onnx");
        String cache = System.getenv("MASKWATCH_MODEL_CACHE");
        if (cache != null) {
            blazeface = Path.of(cache, "blazeface", "face_detection_back_256x256_barracuda.onnx");
        }
        assumeTrue(Files.isRegularFile(blazeface), blazeface + " not found (./maskwatch models fetch blazeface); skipping");

        Path work = Files.createTempDirectory("fault-bench-it-");
        try {
            FaultBench.Report report = FaultBench.run(new FaultBench.Options(work, root, clips, 2, 2.0, true,
                    FaultsCommand.SHORT, System.err));
            System.err.println(report.markdown());
            Map<String, FaultBench.Result> byName = report.results().stream()
                    .collect(Collectors.toMap(FaultBench.Result::name, r -> r));
            assertEquals(FaultsCommand.SHORT, report.results().stream().map(FaultBench.Result::name).toList(),
                    "every short scenario ran; not run: " + report.notRun());
            for (FaultBench.Result r : report.results()) {
                assertTrue(r.framesSent() > 0, r.name() + ": the cameras sent frames: " + r);
                assertEquals(0, r.framesLost(), r.name() + ": acknowledged frames neither detected nor dead-lettered: " + r);
                assertTrue(r.alertsExpected() > 0, r.name() + ": the workload has unmasked people to alert: " + r);
                assertEquals(0, r.alertsLost(), r.name() + ": alerts lost: " + r);
                assertEquals(0, r.alertsDuplicated(), r.name() + ": alerts written twice: " + r);
                assertEquals(0, r.alertsUnexpected(), r.name() + ": alerts a fault-free run would not make: " + r);
            }
            assertTrue(byName.get("leader-kill").framesAfterHeal() > 0,
                    "ingest sends again after the killed partition leader is restarted: " + byName.get("leader-kill"));
            FaultBench.Result poison = byName.get("poison-frames");
            assertEquals(3, poison.framesDeadLettered(), "corrupt, oversize and bomb frames dead-lettered: " + poison);
            assertTrue(poison.framesAfterHeal() > poison.framesDeadLettered(), "the cameras kept going after the poison: " + poison);
        } finally {
            Directories.deleteRecursively(work);
        }
    }
}
