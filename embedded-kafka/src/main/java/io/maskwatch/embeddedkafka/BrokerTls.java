package io.maskwatch.embeddedkafka;

import io.maskwatch.common.io.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away broker certificate for one run: a self-signed EC key pair for 127.0.0.1/localhost in a
 * PKCS12 keystore, and the certificate as PEM for clients to trust. Made with the JDK's own
 * {@code keytool} (every JDK has it), so no certificate library joins the classpath for tests alone.
 */
record BrokerTls(Path dir, Path keystore, Path certificate, String password) {

    static BrokerTls generate() {
        Path dir;
        try {
            dir = Files.createTempDirectory("maskwatch-kafka-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the broker certificate", e);
        }
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        String password = HexFormat.of().formatHex(b);
        Path keystore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=maskwatch-embedded-kafka", "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-file", cert.toString());
        return new BrokerTls(dir, keystore, cert, password);
    }

    void delete() {
        Directories.deleteRecursively(dir);
    }

    private static void keytool(String... args) {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + tool + " (the JDK's keytool) to make the broker certificate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the broker certificate", e);
        }
    }
}
