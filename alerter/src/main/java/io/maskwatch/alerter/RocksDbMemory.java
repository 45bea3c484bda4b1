package io.maskwatch.alerter;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * One native-memory budget for every RocksDB store of the alerter. Kafka Streams' default gives each
 * store instance (3 stores x the partitions it owns) its own 50 MB block cache and up to 3 x 16 MB
 * memtables, and the {@code tracks} store is rewritten on every detection, so resident memory grew
 * with time until memtables reached their size (measured: +4.7 MB a minute for 30 minutes at 20
 * cameras; docs/RELIABILITY.md, "Soak"). Here memtables and blocks of all stores share one LRU cache
 * of {@code budgetBytes}, memtables counted against it (Kafka Streams' documented bounded-memory setup).
 *
 * <p>The instance travels in the Streams properties under {@link #CONFIG}, because Streams creates the
 * {@link ConfigSetter} itself, once per store; whoever builds the properties closes it after the
 * topology has stopped.
 */
public final class RocksDbMemory implements AutoCloseable {
    public static final String CONFIG = "maskwatch.rocksdb.memory";
    /** Optional override in {@code alerter.streams-properties}: the budget in MB. */
    public static final String BUDGET_MB_CONFIG = "maskwatch.rocksdb.memory.mb";
    public static final long DEFAULT_BUDGET_MB = 64;
    static final long MEMTABLE_BYTES = 4L << 20;

    static {
        RocksDB.loadLibrary(); // the cache is made before Streams opens any store (which would load it)
    }

    private final long budgetBytes;
    private final LRUCache cache;
    private final WriteBufferManager writeBuffers;

    public RocksDbMemory(long budgetBytes) {
        if (budgetBytes < (8L << 20)) {
            throw new IllegalArgumentException(BUDGET_MB_CONFIG + " must be at least 8 (MB), got " + (budgetBytes >> 20));
        }
        this.budgetBytes = budgetBytes;
        // Index and filter blocks get a high-priority share so lookups stay fast when data blocks churn.
        this.cache = new LRUCache(budgetBytes, -1, false, 0.1);
        // Memtables may take half of the budget; they are charged to the same cache.
        this.writeBuffers = new WriteBufferManager(budgetBytes / 2, cache);
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    @Override
    public void close() {
        writeBuffers.close();
        cache.close();
    }

    /** Set as {@code rocksdb.config.setter}: points each store at the shared budget found under {@link #CONFIG}. */
    public static final class ConfigSetter implements RocksDBConfigSetter {
        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            if (!(configs.get(CONFIG) instanceof RocksDbMemory memory)) {
                throw new IllegalStateException("RocksDbMemory.ConfigSetter needs a RocksDbMemory under " + CONFIG
                        + " in the Streams properties (StreamsSettings.of puts it there)");
            }
            BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            table.setBlockCache(memory.cache);
            table.setCacheIndexAndFilterBlocks(true);
            table.setCacheIndexAndFilterBlocksWithHighPriority(true);
            table.setPinTopLevelIndexAndFilter(true);
            options.setTableFormatConfig(table);
            options.setWriteBufferManager(memory.writeBuffers);
            options.setWriteBufferSize(MEMTABLE_BYTES);
            options.setMaxWriteBufferNumber(2);
        }

        @Override
        public void close(String storeName, Options options) {
            // The cache and write buffer manager are shared by every store: their owner closes them.
        }
    }
}
