package io.maskwatch.ingest.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a separate JVM with the test class path and captures everything it writes to
 * its stdout and stderr file descriptors, native code (FFmpeg) included.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final List<Thread> pumps = new ArrayList<>();

    public ChildJvm(Class<?> main, List<String> args, Map<String, String> env) throws IOException {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", cp, main.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        process = pb.start();
        pump(process.getInputStream());
        pump(process.getErrorStream());
    }

    private void pump(InputStream in) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // process ended
            }
        }, "child-output");
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }

    /** Everything the process wrote to stdout and stderr so far. */
    public String output() {
        return output.toString();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Sends SIGTERM and waits for a graceful exit; returns the exit code. */
    public int terminate(long timeoutSeconds) throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (Thread t : pumps) {
            t.join(5000);
        }
        return process.exitValue();
    }

    public int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child JVM did not finish in " + timeoutSeconds + " s:\n" + output());
        }
        for (Thread t : pumps) {
            t.join(5000);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
