package io.maskwatch.app.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

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
}
