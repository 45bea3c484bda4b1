package io.maskwatch.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class KafkaAclsTest {
    @Test
    void docsShowTheTableTheCodeApplies() throws Exception {
        Path docs = Path.of(System.getProperty("maskwatch.project.dir", "..")).resolve("docs/SECURITY.md");
        String text = Files.readString(docs);
        String table = KafkaAcls.markdown(KafkaAcls.defaults());
        assertTrue(text.contains(table), "docs/SECURITY.md (Kafka) must show this table, generated from KafkaAcls:\n" + table);
    }

    @Test
    void leastPrivilege() {
        List<KafkaAcls.Grant> t = KafkaAcls.defaults();
        KafkaSettings.TopicNames n = KafkaSettings.TopicNames.defaults();
        // ingest: write frames, nothing else
        assertEquals(List.of(n.frames()), KafkaAcls.of(t, "ingest").stream().map(KafkaAcls.Grant::name).toList());
        assertFalse(KafkaAcls.of(t, "ingest").get(0).operations().contains(AclOperation.READ));
        // only the detector and the alerter's live view read frames (faces of everyone are in them)
        for (KafkaAcls.Grant g : t) {
            if (g.type() == ResourceType.TOPIC && g.name().equals(n.frames()) && g.operations().contains(AclOperation.READ)) {
                assertTrue(g.service().equals("detector") || g.service().equals("alerter"), g.toString());
            }
            assertFalse(g.operations().contains(AclOperation.ALL) && g.pattern() == org.apache.kafka.common.resource.PatternType.LITERAL,
                    "All only on the alerter's own prefix: " + g);
        }
        // every topic the services use is in the table
        for (String topic : n.all()) {
            assertTrue(t.stream().anyMatch(g -> g.name().equals(topic)), topic);
        }
        // configured names flow into the table
        assertTrue(KafkaAcls.table(n, "grp", "app").stream().anyMatch(g -> g.name().equals("app-")
                && g.type() == ResourceType.TRANSACTIONAL_ID));
        assertEquals(2 * 1 + 0, KafkaAcls.bindings(t, "ingest", "maskwatch-ingest").size());
    }
}
