package io.maskwatch.ingest.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * An MJPEG-over-HTTP camera as many IP cameras serve it: {@code multipart/x-mixed-replace} of JPEGs.
 * {@code /video.mjpg} streams real JPEGs (a moving square); {@code /garbage.mjpg} streams parts that
 * claim to be JPEG but hold random bytes. With a user set, both require HTTP basic authentication.
 */
public final class MjpegServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mjpeg-server");
        t.setDaemon(true);
        return t;
    });
    private final String expectedAuth;
    private final int width;
    private final int height;
    private final int fps;
    private final AtomicInteger authorizedRequests = new AtomicInteger();
    private final AtomicInteger rejectedRequests = new AtomicInteger();

    public MjpegServer(int width, int height, int fps, String user, String password) throws IOException {
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.expectedAuth = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext("/video.mjpg", ex -> stream(ex, false));
        server.createContext("/garbage.mjpg", ex -> stream(ex, true));
        server.start();
    }

    public String url(String path, String user, String password) {
        return "http://" + (user == null ? "" : user + ":" + password + "@") + "127.0.0.1:"
                + server.getAddress().getPort() + path;
    }

    public int authorizedRequests() {
        return authorizedRequests.get();
    }

    public int rejectedRequests() {
        return rejectedRequests.get();
    }

    private void stream(HttpExchange ex, boolean garbage) throws IOException {
        try (ex) {
            if (expectedAuth != null && !expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                rejectedRequests.incrementAndGet();
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"camera\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            authorizedRequests.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=mwframe");
            ex.sendResponseHeaders(200, 0);
            OutputStream os = ex.getResponseBody();
            Random random = new Random(42);
            for (int i = 0; ; i++) {
                byte[] part = garbage ? randomBytes(random, 20_000) : jpeg(i);
                os.write(("--mwframe\r\nContent-Type: image/jpeg\r\nContent-Length: " + part.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                os.write(part);
                os.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                os.flush();
                Thread.sleep(1000 / fps);
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private byte[] jpeg(int i) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(40, 60, 90));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        int size = height / 4;
        g.fillRect((i * 7) % (width - size), height / 2 - size / 2, size, size);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
