package io.maskwatch.alerter.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.PersonStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The live page in headless Chromium: rows for the alerts, each with its face and heat map loaded. */
class AlerterPageIT {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    private static String dumpDom(String url) throws Exception {
        Path profile = Files.createTempDirectory("alerter-chromium-");
        try {
            List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=15000",
                    "--dump-dom", url);
            Path out = profile.resolve("dom.html");
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not finish in 120 s");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        io.maskwatch.common.io.Directories.deleteRecursively(dir);
    }

    private static List<String> rows(String dom) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<tr class=\"alert[^\"]*\" data-alert-id=\"([^\"]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL)
                .matcher(dom);
        while (m.find()) {
            out.add(m.group(1) + "\u0000" + m.group(2));
        }
        return out;
    }

    @Test
    void pageListsAlertsWithFaceAndHeatMapLoaded() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium not installed at " + CHROMIUM + "; skipping the page test");
        try (ApiFixture f = new ApiFixture()) {
            // Replace the lobby alert (no heat map) so every row has both images.
            f.index.add(ApiFixture.alert("lobby", 4, ApiFixture.NOW - 5_000, true, true, PersonStatus.INCORRECT));
            List<Alert> expected = f.index.query(java.util.Set.of(), null, null, 100).stream()
                    .filter(a -> a.heatmapJpeg() != null).toList();

            // Signed in the way the demo does it: a one-time link sets the session cookie, then the page.
            String dom = dumpDom(f.url("/login?code=" + f.auth.issueLoginCode()));
            assertTrue(dom.contains("data-state=\"ok\""), () -> "page did not refresh successfully:\n" + dom);
            List<String> rows = rows(dom);
            assertEquals(f.index.size(), rows.size(), () -> "rows in:\n" + dom);
            for (Alert a : expected) {
                String row = rows.stream().filter(r -> r.startsWith(a.alertId() + "\u0000")).findFirst()
                        .orElseThrow(() -> new AssertionError("no row for " + a.alertId() + " in:\n" + dom));
                assertTrue(row.matches("(?s).*<img class=\"face\"[^>]*data-loaded=\"true\".*"), () -> "face not loaded: " + row);
                assertTrue(row.matches("(?s).*<img class=\"heatmap\"[^>]*data-loaded=\"true\".*"), () -> "heat map not loaded: " + row);
            }
            assertTrue(dom.contains("Entrance A"));
            // The lobby alerts are masks below the nose: their own status, in words.
            for (Alert a : f.index.query(java.util.Set.of(), null, null, 100)) {
                String row = rows.stream().filter(r -> r.startsWith(a.alertId() + "\u0000")).findFirst().orElseThrow();
                String cell = a.cameraId().equals("lobby") ? "<td class=\"status incorrect\">mask below nose</td>"
                        : "<td class=\"status unmasked\">no mask</td>";
                assertTrue(row.contains(cell), () -> cell + " missing in row: " + row);
            }
            assertTrue(dom.matches("(?s).*data-camera=\"_facility\".*1 mask below nose.*"), () -> "facility card:\n" + dom);
            assertTrue(dom.matches("(?s).*data-camera=\"_facility\".*71%.*"), () -> "facility compliance card (5 of 7 masked):\n" + dom);

            // Without the token the page cannot read the API: it asks for the token in an inline form.
            String denied = dumpDom(f.url("/"));
            assertTrue(denied.contains("data-state=\"auth\""), denied);
            assertTrue(denied.contains("<form id=\"login\">"), "the token form is shown:\n" + denied);
            assertEquals(0, rows(denied).size());
            assertFalse(dom.matches("(?s).*(src|href)=\"[^\"]*(token|test-token)[^\"]*\".*"),
                    "no URL the page builds carries a token:\n" + dom);
            assertTrue(dom.matches("(?s).*<img class=\"face\"[^>]*src=\"/api/alerts/[^\"?]+/face\\.jpg\".*"),
                    "images load by plain URL, the cookie authenticates them:\n" + dom);
        }
    }
}
