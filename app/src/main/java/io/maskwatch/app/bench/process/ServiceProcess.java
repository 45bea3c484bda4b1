package io.maskwatch.app.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service ({@code io.maskwatch.app.Main <service> --config F}) in its own JVM, started with this
 * JVM's java and classpath and {@link ServiceJvm}'s options; its memory and CPU read from /proc.
 */
public final class ServiceProcess implements AutoCloseable {
    /** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ: 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final String service;
    private final Process process;
    private final Path log;
    private long peakRssKb;

    private ServiceProcess(String service, Process process, Path log) {
        this.service = service;
        this.process = process;
        this.log = log;
    }

    /**
     * @param env added to this process's environment (e.g. {@code MASKWATCH_DETECTOR_BACKEND})
     * @param log the child's stdout and stderr
     */
    public static ServiceProcess start(String service, Path config, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ServiceJvm.jvmOptions(service));
        String home = System.getProperty("maskwatch.home");
        if (home != null) {
            cmd.add("-Dmaskwatch.home=" + home);
        }
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.maskwatch.app.Main");
        cmd.add(service);
        cmd.add("--config");
        cmd.add(config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("GLIBC_TUNABLES", env.getOrDefault("GLIBC_TUNABLES", ServiceJvm.glibcTunables(service)));
        return new ServiceProcess(service, pb.start(), log);
    }

    public String service() {
        return service;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Resident memory now, MB; also tracks the peak seen by {@link #sample()}. */
    public long rssMb() {
        return statusKb("VmRSS") >> 10;
    }

    /** Samples the resident memory; call regularly while measuring. */
    public void sample() {
        peakRssKb = Math.max(peakRssKb, statusKb("VmRSS"));
    }

    /** Largest resident memory seen by {@link #sample()} since {@link #resetPeak()}, MB. */
    public long peakRssMb() {
        return peakRssKb >> 10;
    }

    public void resetPeak() {
        peakRssKb = 0;
    }

    /** The kernel's high-water mark of resident memory since start (includes start-up and model loading), MB. */
    public long hwmMb() {
        return statusKb("VmHWM") >> 10;
    }

    /** User + system CPU time so far, seconds. */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // Fields after the command name (which may contain spaces) in parentheses.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime field 15.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(service + " (pid " + process.pid() + ") is gone: " + e, e);
        }
    }

    private long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            throw new IllegalStateException("no " + key + " in /proc/" + process.pid() + "/status");
        } catch (IOException e) {
            throw new IllegalStateException(service + " (pid " + process.pid() + ") is gone; its log: " + log, e);
        }
    }

    /** The last lines of the child's output, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the services shut down cleanly
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
