package io.maskwatch.alerter.api;

import io.maskwatch.alerter.CameraNames;
import io.maskwatch.alerter.compliance.ComplianceConfig;
import io.maskwatch.alerter.compliance.ComplianceView;
import io.maskwatch.alerter.notify.SnapshotLinks;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.PersonStatus;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** The API on a real HTTP server with a few alerts and compliance windows in its views. */
final class ApiFixture implements AutoCloseable {
    static final long NOW = 1_700_000_400_000L; // a minute boundary
    static final String TOKEN = "test-token-0123456789";
    static final String ADMIN_TOKEN = "test-admin-token-9876543210";

    final PrometheusMeterRegistry registry = Metrics.newRegistry("alerter");
    final AlertIndex index = new AlertIndex(100);
    final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW + 30_000), ZoneOffset.UTC);
    final ComplianceView view = new ComplianceView(ComplianceConfig.defaults(), clock, registry);
    final ServiceHttpServer server;
    final SnapshotLinks links;
    final ApiAuth auth = new ApiAuth(TOKEN, ADMIN_TOKEN, clock);

    ApiFixture() throws Exception {
        server = new ServiceHttpServer("alerter", "127.0.0.1", 0, registry);
        links = new SnapshotLinks(server::baseUrl, TOKEN);
        new AlerterApi(index, view, ComplianceConfig.defaults(), CameraNames.of(Map.of("entrance-a", "Entrance A")),
                links, auth, clock).mount(server);
        server.start();
        index.add(alert("entrance-a", 1, NOW - 50_000, true, true));
        index.add(alert("entrance-a", 2, NOW - 20_000, true, true));
        index.add(alert("lobby", 3, NOW - 10_000, true, false, PersonStatus.INCORRECT));
        view.apply(new ComplianceWindow(2, "entrance-a", NOW - 120_000, NOW - 60_000, 4, 3, 1, 0, 0, 0.75));
        view.apply(new ComplianceWindow(2, "entrance-a", NOW, NOW + 60_000, 2, 1, 1, 0, 0, 0.5));
        view.apply(new ComplianceWindow(2, "lobby", NOW, NOW + 60_000, 1, 1, 0, 0, 0, 1.0));
        view.apply(new ComplianceWindow(2, ComplianceWindow.FACILITY, NOW - 120_000, NOW - 60_000, 4, 3, 1, 0, 0, 0.75));
        view.apply(new ComplianceWindow(2, ComplianceWindow.FACILITY, NOW, NOW + 60_000, 3, 2, 0, 1, 0, 2.0 / 3));
        // Older than the rolling 15 minutes: not counted.
        view.apply(new ComplianceWindow(2, "lobby", NOW - 40 * 60_000, NOW - 39 * 60_000, 9, 0, 9, 0, 0, 0.0));
    }

    static Alert alert(String camera, int n, long ts, boolean face, boolean heat) {
        return alert(camera, n, ts, face, heat, PersonStatus.UNMASKED);
    }

    static Alert alert(String camera, int n, long ts, boolean face, boolean heat, PersonStatus status) {
        String track = camera + "-" + (ts - 5_000) + "-0";
        return new Alert(2, track + "-1", camera, track, ts, status, 0.8 + n / 100.0, 6 + n, new Box(10, 20, 90, 110),
                face ? TestImages.face(n) : null, heat ? TestImages.heatmap(n) : null);
    }

    String url(String path) {
        return server.baseUrl() + path;
    }

    @Override
    public void close() {
        server.close();
    }
}
