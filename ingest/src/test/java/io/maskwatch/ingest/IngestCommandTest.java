package io.maskwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.cli.Args;
import io.maskwatch.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestCommandTest {
    @Test
    void configIsRequired() {
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> new IngestCommand().run(List.of()));
        assertTrue(e.getMessage().contains("--config"), e.getMessage());
    }

    @Test
    void aConfigWithoutEnabledCamerasStopsWithAClearMessage(@TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("m.yaml");
        Files.writeString(cfg, """
                cameras:
                  - id: lobby
                    url: /videos/lobby.mp4
                    enabled: false
                """);
        ConfigException e = assertThrows(ConfigException.class,
                () -> new IngestCommand().run(List.of("--config", cfg.toString())));
        assertTrue(e.getMessage().contains("no enabled camera"), e.getMessage());
    }

    @Test
    void badIngestKeysAreNamed(@TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("m.yaml");
        Files.writeString(cfg, """
                ingest:
                  worker-count: 0
                cameras:
                  - id: lobby
                    url: /videos/lobby.mp4
                """);
        ConfigException e = assertThrows(ConfigException.class,
                () -> new IngestCommand().run(List.of("--config", cfg.toString())));
        assertTrue(e.getMessage().contains("ingest.worker-count must be >= 1"), e.getMessage());
    }

    @Test
    void withoutATokenIngestRefusesToStartAndSaysHowToSetOne(@TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("m.yaml");
        Files.writeString(cfg, """
                cameras:
                  - id: lobby
                    url: /videos/lobby.mp4
                """);
        ConfigException e = assertThrows(ConfigException.class,
                () -> new IngestCommand().run(List.of("--config", cfg.toString())));
        assertTrue(e.getMessage().contains("ingest.api-token is not set: /metrics and /cameras name every camera and its "
                + "state, so they need a token. Set MASKWATCH_INGEST_API_TOKEN"), e.getMessage());

        Files.writeString(cfg, """
                ingest:
                  api-token: hunter2
                cameras:
                  - id: lobby
                    url: /videos/lobby.mp4
                """);
        ConfigException shortToken = assertThrows(ConfigException.class,
                () -> new IngestCommand().run(List.of("--config", cfg.toString())));
        assertTrue(shortToken.getMessage().contains("ingest.api-token must be at least 16 characters"), shortToken.getMessage());
        assertFalse(shortToken.getMessage().contains("hunter2"), "the token is never echoed");
    }
}
