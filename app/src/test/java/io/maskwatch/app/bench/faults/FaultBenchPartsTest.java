package io.maskwatch.app.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultBenchPartsTest {
    @Test
    void slopeIsLeastSquaresPerSample() {
        assertEquals(0.0, SoakBench.slope(List.of(5.0, 5.0, 5.0, 5.0)), 1e-12, "flat");
        assertEquals(2.0, SoakBench.slope(List.of(1.0, 3.0, 5.0, 7.0)), 1e-12, "a line");
        assertEquals(0.3, SoakBench.slope(List.of(10.0, 9.0, 11.0, 10.0, 11.0)), 1e-12, "noisy, slightly rising");
        assertEquals(0.0, SoakBench.slope(List.of(42.0)), "one sample has no slope");
    }

    @Test
    void poisonFramesDeclareWhatTheyClaim() throws Exception {
        Map<String, byte[]> p = Poison.frames();
        assertEquals(List.of("corrupt-jpeg", "oversize", "decompression-bomb"), List.copyOf(p.keySet()));
        assertEquals(List.of(8193, 8193), declared(p.get("oversize")));
        assertEquals(List.of(65000, 65000), declared(p.get("decompression-bomb")));
        assertTrue(p.get("decompression-bomb").length < 2_000, "a bomb is small on the wire");
        assertThrows(IllegalStateException.class, () -> Poison.withDimensions(new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 0}, 1, 1));
    }

    /** Width and height from the JPEG header, as a decoder would read them before decoding. */
    private static List<Integer> declared(byte[] jpeg) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader r = readers.next();
            r.setInput(in);
            return List.of(r.getWidth(0), r.getHeight(0));
        }
    }

    @Test
    void unknownScenarioIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FaultBench.Options(Path.of("."),
                Path.of("."), List.of(), 2, 2.0, true, List.of("leader-kill", "broker-explode"), System.err));
        assertTrue(e.getMessage().contains("broker-explode") && e.getMessage().contains("controller-kill"), e.getMessage());
    }

    @Test
    void rtspServerReadyLineGivesItsPort() {
        assertEquals(8554, RtspCameraServer.readyPort("READY port=8554 frames=250 fps=25.000").getAsInt());
        assertTrue(RtspCameraServer.readyPort("ERROR cannot listen on 127.0.0.1:8554").isEmpty());
    }

    @Test
    void missingRtspServerIsReportedWithTheInstallHint(@TempDir Path tmp) throws Exception {
        Optional<String> noScript = RtspCameraServer.unavailable(tmp, List.of("/usr/bin/python3"));
        assertTrue(noScript.isPresent() && noScript.get().contains(RtspCameraServer.SCRIPT), noScript.toString());
        Path script = tmp.resolve(RtspCameraServer.SCRIPT);
        Files.createDirectories(script.getParent());
        Files.writeString(script, "");
        Optional<String> noPython = RtspCameraServer.unavailable(tmp, List.of(tmp.resolve("no-such-python3").toString()));
        assertTrue(noPython.isPresent() && noPython.get().contains("apt-get install python3-gi gir1.2-gst-rtsp-server-1.0"),
                noPython.toString());
    }

    /** The real server: it answers RTSP, dies on SIGKILL and comes back on the same port. */
    @Test
    void rtspCameraServerRestartsOnItsPort(@TempDir Path tmp) throws Exception {
        Path root = FaultsCommand.repoRoot();
        List<Path> clips = FaultsCommand.clips(root);
        Optional<String> why = RtspCameraServer.unavailable(root, RtspCameraServer.defaultPythons());
        Assumptions.assumeTrue(why.isEmpty() && !clips.isEmpty(),
                () -> "RTSP camera server: " + why.orElse("no ../shared/videos clips"));
        String python = RtspCameraServer.findPython(RtspCameraServer.defaultPythons()).orElseThrow();
        try (RtspCameraServer s = RtspCameraServer.start("rtsp-test", python, root, clips.get(0), tmp)) {
            String url = s.url();
            assertTrue(answersOptions(url), "RTSP OPTIONS at " + url);
            s.kill();
            assertFalse(s.alive(), "SIGKILLed");
            assertFalse(answersOptions(url), "nobody listens after the kill");
            s.restart();
            assertEquals(url, s.url(), "same port after the restart");
            assertTrue(answersOptions(url), "RTSP OPTIONS after the restart");
        }
    }

    private static boolean answersOptions(String url) {
        java.net.URI u = java.net.URI.create(url);
        try (java.net.Socket sock = new java.net.Socket(u.getHost(), u.getPort())) {
            sock.setSoTimeout(10_000);
            sock.getOutputStream().write(("OPTIONS " + url + " RTSP/1.0\r\nCSeq: 1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return line != null && line.startsWith("RTSP/1.0 200");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
