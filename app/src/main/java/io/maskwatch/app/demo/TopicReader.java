package io.maskwatch.app.demo;

import io.maskwatch.common.config.KafkaSettings;
import io.maskwatch.common.kafka.ClientConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole topic from the beginning to its current end (committed records only). */
final class TopicReader {
    private TopicReader() {
    }

    static List<ConsumerRecord<String, byte[]>> readAll(KafkaSettings kafka, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = groupless(kafka)) {
            List<TopicPartition> parts = partitions(consumer, topic);
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline
                    && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /** Sum of end offsets: the number of records ever written (non-transactional topics). */
    static long endOffsetSum(KafkaSettings kafka, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = groupless(kafka)) {
            return consumer.endOffsets(partitions(consumer, topic)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A read_committed consumer without a group: it assigns partitions itself and commits nothing. */
    static KafkaConsumer<String, byte[]> groupless(KafkaSettings kafka) {
        Properties p = ClientConfigs.consumer(kafka, "unused", "maskwatch-demo-reader");
        p.remove("group.id");
        return new KafkaConsumer<>(p);
    }

    static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
    }
}
