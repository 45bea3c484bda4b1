package io.maskwatch.app.bench.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A camera of the {@code camera-server-kill} scenario: a real RTSP server process (GStreamer's
 * gst-rtsp-server driven by the ingest tests' {@code rtsp_server.py}) looping an H.264 clip at
 * {@code rtsp://127.0.0.1:PORT/stream}; it can be killed with SIGKILL and started again on its port.
 */
final class RtspCameraServer implements AutoCloseable {
    /** The script the ingest tests use; the bench runs from a checkout (it needs ../shared too). */
    static final String SCRIPT = "ingest/src/test/resources/rtsp/rtsp_server.py";
    static final String INSTALL_HINT = "install GStreamer's RTSP server for Python: apt-get install python3-gi "
            + "gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad "
            + "(as .ci/run does)";
    private static final Pattern READY = Pattern.compile("READY port=(\\d+)");

    private final String name;
    private final String python;
    private final Path script;
    private final Path clip;
    private final Path logFile;
    private Process process;
    private int port;

    private RtspCameraServer(String name, String python, Path script, Path clip, Path logDir) {
        this.name = name;
        this.python = python;
        this.script = script;
        this.clip = clip;
        this.logFile = logDir.resolve(name + ".log");
    }

    /**
     * Why RTSP camera servers cannot run here (with the fix), or empty when they can.
     *
     * @param pythons the interpreters to try, in order
     */
    static Optional<String> unavailable(Path repoRoot, List<String> pythons) {
        if (!Files.isRegularFile(repoRoot.resolve(SCRIPT))) {
            return Optional.of("no " + SCRIPT + " under " + repoRoot + "; run the bench from a MaskWatch checkout");
        }
        return findPython(pythons).isPresent() ? Optional.empty()
                : Optional.of("no python3 with GStreamer's RTSP server bindings (tried " + String.join(", ", pythons) + "); "
                + INSTALL_HINT);
    }

    static List<String> defaultPythons() {
        return List.of("/usr/bin/python3", "python3");
    }

    /** The first interpreter that can import GstRtspServer. */
    static Optional<String> findPython(List<String> pythons) {
        for (String candidate : pythons) {
            try {
                Process p = new ProcessBuilder(candidate, "-c",
                        "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(candidate);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed under that name: try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Starts a server on a free port; its output goes to {@code <name>.log} in {@code logDir}. */
    static RtspCameraServer start(String name, String python, Path repoRoot, Path clip, Path logDir) throws IOException {
        RtspCameraServer s = new RtspCameraServer(name, python, repoRoot.resolve(SCRIPT), clip, logDir);
        s.launch(0);
        return s;
    }

    /** The port in the script's {@code READY port=N} line, if this is that line. */
    static OptionalInt readyPort(String line) {
        Matcher m = READY.matcher(line);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    private void launch(int wantedPort) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, "-u", script.toString(), "--port", String.valueOf(wantedPort),
                "--clip", clip.toAbsolutePath().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    readyPort(line).ifPresent(ready::complete);
                }
            } catch (IOException e) {
                // the process is gone
            }
            ready.completeExceptionally(new IOException(name + " exited before it was ready (see " + logFile + ")"));
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            port = ready.get(120, TimeUnit.SECONDS);
            process = p;
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException(name + " not ready: " + (e.getCause() == null ? e : e.getCause().getMessage()), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted while starting", e);
        }
    }

    String url() {
        return "rtsp://127.0.0.1:" + port + "/stream";
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a camera losing power; waits until the process is gone. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port (retried while the port is still being released). */
    void restart() throws IOException, InterruptedException {
        kill();
        IOException last = null;
        for (int i = 0; i < 20; i++) {
            try {
                launch(port);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw last;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
