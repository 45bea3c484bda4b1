package io.maskwatch.alerter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.config.KafkaSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class RocksDbMemoryTest {

    @Test
    void everyStoreIsPointedAtTheOneSharedBudget() {
        RocksDB.loadLibrary();
        try (RocksDbMemory memory = new RocksDbMemory(32L << 20); Options a = new Options(); Options b = new Options()) {
            Map<String, Object> configs = new HashMap<>(Map.of(RocksDbMemory.CONFIG, memory));
            for (Options o : new Options[] {a, b}) {
                o.setTableFormatConfig(new BlockBasedTableConfig());
                new RocksDbMemory.ConfigSetter().setConfig("tracks", o, configs);
                assertEquals(RocksDbMemory.MEMTABLE_BYTES, o.writeBufferSize(), "small memtables, charged to the budget");
                assertEquals(2, o.maxWriteBufferNumber());
                assertTrue(((BlockBasedTableConfig) o.tableFormatConfig()).cacheIndexAndFilterBlocks(),
                        "index and filter blocks inside the budget, not beside it");
            }
        }
    }

    @Test
    void withoutTheSharedBudgetTheSetterSaysWhatIsMissing() {
        RocksDB.loadLibrary();
        try (Options o = new Options()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new RocksDbMemory.ConfigSetter().setConfig("tracks", o, Map.of()));
            assertTrue(e.getMessage().contains(RocksDbMemory.CONFIG), e.getMessage());
        }
    }

    @Test
    void streamsSettingsInstallTheBudgetAndHonourAnOverride() {
        AlerterMetrics metrics = new AlerterMetrics(new SimpleMeterRegistry());
        KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers("localhost:9");
        Properties p = StreamsSettings.of(AlerterConfig.defaults(), kafka, metrics);
        try (RocksDbMemory m = (RocksDbMemory) p.get(RocksDbMemory.CONFIG)) {
            assertEquals(RocksDbMemory.DEFAULT_BUDGET_MB << 20, m.budgetBytes());
            assertEquals(RocksDbMemory.ConfigSetter.class.getName(), p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
        } finally {
            ((StreamsDeadLetters) p.get(StreamsDeadLetters.CONFIG)).close();
        }
        AlerterConfig bigger = AlerterConfig.defaults().toBuilder()
                .streamsProperties(Map.of(RocksDbMemory.BUDGET_MB_CONFIG, "128")).build();
        Properties q = StreamsSettings.of(bigger, kafka, metrics);
        try (RocksDbMemory m = (RocksDbMemory) q.get(RocksDbMemory.CONFIG)) {
            assertEquals(128L << 20, m.budgetBytes());
        } finally {
            ((StreamsDeadLetters) q.get(StreamsDeadLetters.CONFIG)).close();
        }
    }
}
