package io.maskwatch.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The custodian's topics: named and retained like the others; erasure markers outlive the alerts. */
class ReviewTopicsConfigTest {
    @Test
    void reviewErasureAndAuditTopicsAreConfigurable() {
        KafkaSettings k = MaskWatchConfig.parse("""
                kafka:
                  topics:
                    audit: site.audit
                  retention-hours:
                    audit: 4000
                """, Map.of("MASKWATCH_KAFKA_TOPICS_ALERT_REVIEWS", "site.reviews"), "x.yaml").kafka();
        assertEquals("site.audit", k.topics().audit());
        assertEquals("site.reviews", k.topics().alertReviews());
        assertEquals("maskwatch.alert-erasures", k.topics().alertErasures());
        assertEquals(4000 * 3_600_000L, k.retentionMs("site.audit"));
        assertEquals(k.retentionMs(k.topics().alerts()), k.retentionMs("site.reviews"));
        assertTrue(k.topics().all().containsAll(k.topics().compacted()));
    }

    @Test
    void erasureMarkersMayNotExpireBeforeTheAlertsTheyHide() {
        ConfigException e = assertThrows(ConfigException.class, () -> MaskWatchConfig.parse("""
                kafka:
                  retention-hours:
                    alerts: 2000
                """, Map.of(), "x.yaml").kafka());
        assertTrue(e.getMessage().contains("retention-hours.alert-erasures (720) must be >= retention-hours.alerts (2000)"),
                e.getMessage());
    }
}
