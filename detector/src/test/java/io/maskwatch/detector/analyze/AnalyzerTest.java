package io.maskwatch.detector.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.detector.TestMedia;
import io.maskwatch.detector.pipeline.FramePipeline;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzerTest {
    private static Set<Thread> analyzerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("analyze-"))
                .collect(Collectors.toSet());
    }

    @Test
    void aFailedRunLeavesNoBatchRunningOnThePipelineItsCallerCloses(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < 8; i++) {
            Files.write(dir.resolve("f" + i + ".jpg"), TestMedia.jpeg("one-man-no-mask", i * 10));
        }
        Set<Thread> before = analyzerThreads();
        // The classifier fails (as a bad model does when it loads in the background): the first batch's
        // classification throws while later batches are still being detected.
        try (FramePipeline pipeline = FramePipeline.createWhileLoading(TestMedia.config("blazeface"), System.getenv(),
                () -> {
                    throw new IllegalStateException("classifier failed to load");
                }, null)) {
            Analyzer analyzer = new Analyzer(pipeline, false, null, 1, null);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> analyzer.run(dir, new StringWriter(), 1));
            assertEquals("classifier failed to load", e.getMessage());
            // The caller closes the pipeline next (AnalyzeCommand's try-with-resources): nothing of this run
            // may still detect or classify on it (native detectors freed under a running inference).
            Set<Thread> left = analyzerThreads();
            left.removeAll(before);
            assertTrue(left.isEmpty(), "analyzer threads still alive after run() threw: " + List.copyOf(left));
        }
    }
}
