package io.maskwatch.alerter;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.observability.Metrics;
import io.maskwatch.common.observability.ServiceHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;

/**
 * The alerter service alone in a JVM, for {@link AlerterHardKillIT}: a test can SIGKILL it, which
 * closing the service in-process cannot imitate (a clean close commits, whatever the guarantee).
 * Args: bootstrap servers, state directory, application id, commit interval ms.
 */
public final class AlerterChild {
    private AlerterChild() {
    }

    public static void main(String[] args) throws Exception {
        KafkaSettings kafka = new KafkaSettings(args[0], Map.of(), KafkaSettings.TopicNames.defaults(), 2, (short) 1, true);
        AlerterConfig cfg = AlerterConfig.defaults()
                .withApplicationId(args[2])
                .withApiToken("alerter-child-token-0123456789")
                .withStateDir(args[1])
                .withHttp("127.0.0.1", 0, null)
                .withCommitIntervalMs(Long.parseLong(args[3]))
                // The restarted child takes over once the killed member's session expires.
                .withStreamsProperties(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"));
        PrometheusMeterRegistry registry = Metrics.newRegistry("alerter");
        ServiceHttpServer http = new ServiceHttpServer("alerter", "127.0.0.1", 0, registry);
        AlerterService service = new AlerterService(cfg, kafka, List.of(), registry).bind(http);
        http.start();
        service.start();
        System.out.println("alerter child started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
