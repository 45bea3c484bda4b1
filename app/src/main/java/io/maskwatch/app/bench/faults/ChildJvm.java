package io.maskwatch.app.bench.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of the fault and soak benches (a broker or a service) that can be started again after
 * it was killed with SIGKILL, frozen with SIGSTOP and resumed. Its output goes to {@code <name>.log}
 * (appended across restarts) so a failure can be read afterwards.
 */
public final class ChildJvm implements AutoCloseable {
    private final String name;
    private final List<String> jvmArgs;
    private final String mainClass;
    private final List<String> args;
    private final Path logFile;
    private Process process;

    public ChildJvm(String name, List<String> jvmArgs, String mainClass, List<String> args, Path logDir) {
        this.name = name;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.logFile = logDir.resolve(name + ".log");
    }

    /** The classpath of this JVM (under Maven's surefire/failsafe its real one, not the manifest jar). */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }

    public synchronized ChildJvm start() {
        if (alive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        // long-running processes get the services' malloc settings, not the bench JVM's training preset
        pb.environment().put("GLIBC_TUNABLES", io.maskwatch.app.bench.process.ServiceJvm.SERVICE_GLIBC_TUNABLES);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
        return this;
    }

    public String name() {
        return name;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGKILL: no shutdown hook, no commit, no close; waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        signal("CONT"); // a stopped process cannot die until resumed
        process.destroyForcibly();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM and wait (shutdown hooks run). */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        signal("CONT");
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: the process freezes with its sockets open (a hung broker, a long GC pause). */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void resume() {
        signal("CONT");
    }

    private synchronized void signal(String sig) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).redirectErrorStream(true).start();
            k.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (k.waitFor() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = java.nio.file.Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return name + (alive() ? " (pid " + process.pid() + ")" : " (not running)") + ", log " + logFile;
    }

    static String pathSeparator() {
        return File.pathSeparator;
    }
}
