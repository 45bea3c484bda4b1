package io.maskwatch.alerter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import io.maskwatch.embeddedkafka.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The alerter's Streams properties ({@link StreamsSettings}) in a TopologyTestDriver, dead letters
 * to a real (embedded) broker: a record a processor throws on, and one whose output cannot be
 * serialized, go to the DLQ with the reason and their original topic, and the records after them
 * still flow. Without the handlers the first exception stops the topology.
 */
class StreamsDeadLettersIT {

    @Test
    void processingAndSerializationErrorsAreDeadLetteredAndTheTopologyGoesOn() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), KafkaSettings.TopicNames.defaults(),
                    1, (short) 1, true);
            AlerterConfig cfg = AlerterConfig.defaults().withStateDir(Files.createTempDirectory("dlq-ttd-").toString());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Properties props = StreamsSettings.of(cfg, kafka, new AlerterMetrics(registry));

            // A serializer that refuses one value: stands in for an output the real serde cannot write.
            Serde<String> picky = Serdes.serdeFrom((topic, v) -> {
                if (v.equalsIgnoreCase("unserializable")) {
                    throw new IllegalArgumentException("cannot serialize " + v);
                }
                return v.getBytes(StandardCharsets.UTF_8);
            }, new StringDeserializer());
            StreamsBuilder b = new StreamsBuilder();
            b.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                    .mapValues(v -> {
                        if (v.equals("boom")) {
                            throw new IllegalStateException("cannot process " + v);
                        }
                        return v.toUpperCase();
                    })
                    .to("out", Produced.with(Serdes.String(), picky));
            List<String> out;
            try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), props);
                 StreamsDeadLetters dlq = (StreamsDeadLetters) props.get(StreamsDeadLetters.CONFIG)) {
                var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
                RecordHeaders h = new RecordHeaders();
                h.add("mw.trace", "t-1".getBytes(StandardCharsets.UTF_8));
                in.pipeInput("cam-1", "ok1");
                in.pipeInput(new TestRecord<>("cam-2", "boom", h));
                in.pipeInput("cam-3", "unserializable");
                in.pipeInput("cam-4", "ok2");
                out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer()).readValuesToList();
            }
            assertEquals(List.of("OK1", "OK2"), out, "the records after the bad ones still flow");

            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            Properties cp = ClientConfigs.consumer(kafka, "dlq-it", "dlq-it");
            cp.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
            cp.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp)) {
                c.subscribe(List.of(StreamsDeadLetters.DEFAULT_TOPIC));
                long deadline = System.currentTimeMillis() + 30_000;
                while (dead.size() < 2 && System.currentTimeMillis() < deadline) {
                    c.poll(Duration.ofMillis(200)).forEach(dead::add);
                }
            }
            assertEquals(2, dead.size());
            ConsumerRecord<byte[], byte[]> boom = dead.get(0);
            assertEquals("cam-2", str(boom.key()));
            assertEquals("boom", str(boom.value()), "the source record as read");
            assertEquals("in", header(boom, StreamsDeadLetters.TOPIC));
            assertEquals("t-1", header(boom, "mw.trace"), "original headers kept");
            String reason = header(boom, StreamsDeadLetters.REASON);
            assertTrue(reason.startsWith("processing failed in ") && reason.contains("cannot process boom"), reason);
            ConsumerRecord<byte[], byte[]> ser = dead.get(1);
            assertEquals("unserializable", str(ser.value()));
            assertEquals("in", header(ser, StreamsDeadLetters.TOPIC));
            assertTrue(header(ser, StreamsDeadLetters.REASON).startsWith("serializing the value for out failed"),
                    header(ser, StreamsDeadLetters.REASON));
            assertEquals(2.0, registry.get("maskwatch.alerter.streams.dlq").counter().count());

            // the DLQ it created expires like the other DLQs (kafka.retention-hours.alerter-dlq)
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientConfig())) {
                var res = new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, StreamsDeadLetters.DEFAULT_TOPIC);
                var cfgs = admin.describeConfigs(List.of(res)).all().get().get(res);
                assertEquals(String.valueOf(KafkaSettings.RetentionHours.millis(kafka.retentionHours().alerterDlq())),
                        cfgs.get("retention.ms").value());
            }
        }
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : str(h.value());
    }
}
