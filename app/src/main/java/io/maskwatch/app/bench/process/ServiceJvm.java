package io.maskwatch.app.bench.process;

import java.util.List;
import java.util.Map;

/**
 * How the {@code maskwatch} launcher starts each service's JVM: heap and native-memory settings per
 * command, sized from separate-process measurements (docs/BENCHMARKS.md, "Memory per service"). The
 * launcher script carries the same values (a test compares them); the benchmark starts its service
 * processes with these so that it measures what production runs.
 */
public final class ServiceJvm {
    /** Services the benchmark runs apart, in start order. */
    public static final List<String> SERVICES = List.of("alerter", "detector", "ingest");

    /** {@code -Xmx} per service command, as in the launcher's {@code case}. */
    public static final Map<String, String> HEAP = Map.of(
            "ingest", "160m",
            "detector", "384m",
            "alerter", "256m");

    /**
     * glibc malloc settings for the services: two arenas (each native thread would otherwise get its own
     * 64 MB arena), memory returned to the OS as usual. The launcher's default for the other commands
     * (training, analyze) keeps freed memory instead, which is faster but holds the peak forever.
     */
    public static final String SERVICE_GLIBC_TUNABLES = "glibc.malloc.arena_max=2";

    /**
     * Ingest's malloc settings: as the other services', plus a fixed mmap threshold. glibc otherwise raises
     * the threshold to the largest block freed (decoder packets, JPEG buffers of 0.1-1.5 MB), after which
     * those blocks come from the arenas and fragment them: measured 10 cameras 413 -> 334 MB, 20 cameras
     * 519 -> 480 MB RSS (docs/INGEST.md, "Memory").
     */
    public static final String INGEST_GLIBC_TUNABLES = SERVICE_GLIBC_TUNABLES + ":glibc.malloc.mmap_threshold=131072";

    /** {@code GLIBC_TUNABLES} the launcher gives a service. */
    public static String glibcTunables(String service) {
        return "ingest".equals(service) ? INGEST_GLIBC_TUNABLES : SERVICE_GLIBC_TUNABLES;
    }

    private ServiceJvm() {
    }

    /**
     * JVM options for a service: heap (a small initial heap: SerialGC would start at 1/64 of the RAM and
     * touch all of its young generation, ~45-120 MB more RSS per service at the same CPU), and JavaCPP's
     * physical-memory check off (its default of 2 x heap is below the native models' needs).
     */
    public static List<String> jvmOptions(String service) {
        String heap = HEAP.get(service);
        if (heap == null) {
            throw new IllegalArgumentException("no JVM sizing for '" + service + "'; services: " + SERVICES);
        }
        return List.of("-Xmx" + heap, "-Xms32m", "-XX:+UseSerialGC", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
    }
}
