package io.maskwatch.ingest.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.CameraConfig;
import io.maskwatch.common.config.ConfigException;
import io.maskwatch.common.config.MaskWatchConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** cameras[i].substream-url: ingest reads the low-resolution stream instead of url. */
class SubstreamTest {
    private static List<CameraConfig> cameras(String yaml) {
        return MaskWatchConfig.parse(yaml, Map.of("SUB_PW", "s3cret"), "test.yaml").cameras();
    }

    @Test
    void ingestReadsTheSubstreamWhenOneIsConfigured() {
        List<CameraConfig> cs = cameras("""
                cameras:
                  - id: door
                    url: rtsp://viewer:main@10.0.0.5/stream1
                    substream-url: rtsp://viewer:${SUB_PW}@10.0.0.5/stream2
                  - id: hall
                    url: rtsp://10.0.0.6/stream1
                """);
        CameraConfig door = cs.get(0);
        assertTrue(door.hasSubstream());
        assertEquals("rtsp://viewer:s3cret@10.0.0.5/stream2", door.forIngest().url());
        assertEquals("door", door.forIngest().id());
        assertEquals(2.0, door.forIngest().fps());
        assertFalse(door.toString().contains("s3cret"), door.toString());
        assertFalse(door.toString().contains("main@"), door.toString());
        assertSame(cs.get(1), cs.get(1).forIngest(), "no substream: the main stream");
    }

    @Test
    void aSubstreamWithAForbiddenSchemeIsRefusedNamingTheKey() {
        Executable load = () -> cameras("""
                cameras:
                  - id: door
                    url: rtsp://10.0.0.5/stream1
                    substream-url: udp://10.0.0.5:5000
                """);
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, load);
        assertTrue(e.getMessage().contains("substream-url"), e.getMessage());
    }
}
