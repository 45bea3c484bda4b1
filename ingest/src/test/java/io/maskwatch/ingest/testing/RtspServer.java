package io.maskwatch.ingest.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real RTSP server on 127.0.0.1: GStreamer's gst-rtsp-server driven by
 * {@code src/test/resources/rtsp/rtsp_server.py}, serving an H.264 clip in a loop over TCP and UDP.
 */
public final class RtspServer implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("READY port=(\\d+)");
    private static volatile String python;

    private final Path script;
    private final Path clip;
    private final String user;
    private final String password;
    private final StringBuffer output = new StringBuffer();
    private Process process;
    private int port;

    private RtspServer(Path script, Path clip, String user, String password) {
        this.script = script;
        this.clip = clip;
        this.user = user;
        this.password = password;
    }

    /**
     * Starts a server; skips the test when Python's GStreamer bindings are missing.
     *
     * @param clip an H.264 MP4, or null for a generated 640x360 test pattern
     */
    public static RtspServer start(Path tmp, Path clip, String user, String password) throws Exception {
        String py = python();
        assumeTrue(py != null, "GStreamer's RTSP server for Python is not installed (python3-gi, "
                + "gir1.2-gst-rtsp-server-1.0; see .ci/run)");
        Path script = tmp.resolve("rtsp_server.py");
        try (InputStream in = RtspServer.class.getResourceAsStream("/rtsp/rtsp_server.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        RtspServer s = new RtspServer(script, clip, user, password);
        s.launch(0);
        return s;
    }

    /** A python3 that has GStreamer's RTSP server bindings, or null. */
    public static synchronized String python() {
        if (python != null) {
            return python.isEmpty() ? null : python;
        }
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c",
                        "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = candidate;
                    return candidate;
                }
            } catch (IOException e) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        python = "";
        return null;
    }

    private void launch(int wantedPort) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(python(), "-u", script.toString(), "--port", String.valueOf(wantedPort)));
        if (clip != null) {
            cmd.addAll(List.of("--clip", clip.toString()));
        }
        if (user != null) {
            cmd.addAll(List.of("--user", user, "--password", password));
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // process gone
            }
            ready.completeExceptionally(new IOException("RTSP server exited: " + output));
        }, "rtsp-server-output");
        reader.setDaemon(true);
        reader.start();
        port = ready.get(120, TimeUnit.SECONDS);
    }

    public String url() {
        return url(null, null);
    }

    /** rtsp://[user:password@]127.0.0.1:port/stream */
    public String url(String u, String pw) {
        return "rtsp://" + (u == null ? "" : u + ":" + pw + "@") + "127.0.0.1:" + port + "/stream";
    }

    public int port() {
        return port;
    }

    /** Kills the server abruptly (as a crashing camera would). */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Freezes the server (SIGSTOP): connections stay open but no data flows, like a hung camera. */
    public void pause() throws Exception {
        signal("-STOP");
    }

    public void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String sig) throws Exception {
        Process k = new ProcessBuilder("kill", sig, String.valueOf(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill " + sig + " failed");
        }
    }

    /** Starts the server again on the same port. */
    public void restart() throws Exception {
        kill();
        Exception last = null;
        for (int i = 0; i < 20; i++) {
            try {
                launch(port);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw last;
    }

    public String output() {
        return output.toString();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
