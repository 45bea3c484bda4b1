package io.maskwatch.detector.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.ConfigException;
import io.maskwatch.detector.TestMedia;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when ONNX Runtime cannot run here, and that OpenCV then still can. */
class InferenceEngineTest {
    /** Builds the default detector in a JVM whose ONNX Runtime libraries are missing; prints what happened. */
    public static final class Probe {
        public static void main(String[] args) {
            String engine = args[0];
            try (FaceDetector d = FaceBackends.create(TestMedia.config("retinaface+ultraface")
                    .with("inference-engine", engine), System.getenv())) {
                System.out.println("OK " + d.name());
            } catch (ConfigException e) {
                System.out.println("CONFIG " + e.getMessage());
            }
        }
    }

    private static String probe(Path emptyNativeDir, String engine) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Donnxruntime.native.path=" + emptyNativeDir, "-Dmaskwatch.shared.dir=" + TestMedia.shared()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), engine));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void withoutItsNativeLibraryStartUpSaysSoAndNamesTheSwitchWhichWorks(@TempDir Path empty) throws Exception {
        String out = probe(empty, "onnxruntime");
        assertTrue(out.contains("detector.inference-engine is onnxruntime but ONNX Runtime's native library cannot be loaded"),
                out);
        assertTrue(out.contains("set detector.inference-engine: opencv"), out);
        assertTrue(!out.contains("is it the right, complete file"), "not blamed on the model file: " + out);
        assertTrue(probe(empty, "opencv").contains("OK retinaface+ultraface"), "the named switch works");
    }

    @Test
    void parsesTheConfigNames() {
        assertEquals(List.of("onnxruntime", "opencv"), InferenceEngine.names());
        assertEquals(InferenceEngine.ONNXRUNTIME, InferenceEngine.parse(" ONNXRuntime "));
    }
}
