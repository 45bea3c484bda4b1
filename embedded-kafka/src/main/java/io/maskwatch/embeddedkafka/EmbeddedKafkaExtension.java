package io.maskwatch.embeddedkafka;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.TopicSetup;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real embedded KRaft broker per test class, with the MaskWatch topics created:
 * {@code @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();}
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private final int partitions;
    private EmbeddedKafkaBroker broker;
    private KafkaSettings kafka;

    public EmbeddedKafkaExtension() {
        this(KafkaSettings.defaults().partitions());
    }

    public EmbeddedKafkaExtension(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.start();
        kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(), partitions,
                (short) 1, true);
        TopicSetup.ensureTopics(kafka);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }
}
