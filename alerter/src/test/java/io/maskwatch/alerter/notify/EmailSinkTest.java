package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Box;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonStatus;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * One delivery attempt of the e-mail sink against a real SMTP server (GreenMail): what arrives
 * (inline images referenced by cid:, the link, the plain-text alternative), what is retried, what
 * is refused, and that TLS is really TLS (a certificate made in the test, host name checked).
 */
class EmailSinkTest {
    static final String USER = "alerter";
    static final String PASSWORD = "smtp-secret-Hx81";
    static final SnapshotLinks LINKS = new SnapshotLinks(() -> "https://alerter.example.test", "a-token-of-16-chars-or-more");

    private GreenMail mail;

    @AfterEach
    void stop() {
        if (mail != null) {
            mail.stop();
        }
    }

    static byte[] jpeg(Color c) throws IOException {
        BufferedImage img = new BufferedImage(32, 40, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, 32, 40);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    static Alert alert(String id, byte[] face, byte[] heat) {
        return new Alert(2, id, "gate", "t1", 1_700_000_000_000L, PersonStatus.UNMASKED, 0.9, 8,
                new Box(1, 2, 30, 40), face, heat);
    }

    static Notification notification(String id, List<String> alertIds) {
        return new Notification(2, id, "gate", "Gate <B> & C", 1_700_000_000_000L, 1_700_000_010_000L, alertIds,
                alertIds.stream().map(a -> a.endsWith("i") ? PersonStatus.INCORRECT : PersonStatus.UNMASKED).toList(),
                alertIds.size() + " people without a mask at Gate <B> & C in the last 10 s",
                alertIds.stream().map(LINKS::face).toList());
    }

    static EmailConfig smtp(int port, String security, String passwordEnv) {
        return new EmailConfig("localhost", port, security, passwordEnv == null ? null : USER, passwordEnv, null,
                "MaskWatch <maskwatch@example.test>", List.of("custodian@example.test", "desk@example.test"), null);
    }

    static SinkConfig sink(String name, EmailConfig e) {
        return new SinkConfig("email", name, null, null, 3_000L, 2, 10L, 50L, e);
    }

    static Sink emailSink(SinkConfig cfg, Map<String, Alert> alerts, Map<String, String> env, SSLSocketFactory ssl) {
        return Sink.of(cfg, null, new EmailSink.Context(id -> Optional.ofNullable(alerts.get(id)), LINKS, env::get, ssl));
    }

    private GreenMail startSmtp(ServerSetup setup) {
        mail = new GreenMail(setup.dynamicPort());
        mail.start();
        mail.setUser("custodian@example.test", USER, PASSWORD);
        return mail;
    }

    @Test
    void deliversHtmlWithFaceAndHeatMapInlineTheLinkAndAPlainTextAlternative() throws Exception {
        startSmtp(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        byte[] face = jpeg(Color.RED);
        byte[] heat = jpeg(Color.BLUE);
        Map<String, Alert> alerts = Map.of("gate-t1-1", alert("gate-t1-1", face, heat));
        Sink s = emailSink(sink("custodian", smtp(mail.getSmtp().getPort(), "none", "SMTP_PASSWORD")), alerts,
                Map.of("SMTP_PASSWORD", PASSWORD), null);

        // The second alert is not known to the API (erased or too old): the e-mail still goes, without its images.
        Sink.Result r = s.deliver(notification("n-gate-t1-1", List.of("gate-t1-1", "gate-t2-1i")));
        assertEquals(Sink.Result.OK, r, () -> "reason: " + r.reason());

        MimeMessage[] got = mail.getReceivedMessages();
        assertEquals(2, got.length, "one copy per recipient");
        MimeMessage m = got[0];
        assertEquals("MaskWatch: 2 people without a mask at Gate <B> & C in the last 10 s", m.getSubject());
        assertEquals("<n-gate-t1-1@maskwatch>", m.getMessageID(), "derived from the notification id: redeliveries are recognisable");
        assertEquals("auto-generated", m.getHeader("Auto-Submitted")[0]);
        assertEquals(2, m.getRecipients(Message.RecipientType.TO).length);

        Multipart alternative = (Multipart) m.getContent();
        assertTrue(alternative.getContentType().startsWith("multipart/alternative"), alternative.getContentType());
        BodyPart plain = alternative.getBodyPart(0);
        assertTrue(plain.isMimeType("text/plain"));
        String text = (String) plain.getContent();
        assertTrue(text.contains("no mask at 2023-11-14T22:13:20Z (90% of 8 faces): https://alerter.example.test/?alert=gate-t1-1"), text);
        assertTrue(text.contains("mask below nose: https://alerter.example.test/?alert=gate-t2-1i"), text);

        Multipart related = (Multipart) alternative.getBodyPart(1).getContent();
        assertTrue(related.getContentType().startsWith("multipart/related"), related.getContentType());
        String html = (String) related.getBodyPart(0).getContent();
        assertTrue(related.getBodyPart(0).isMimeType("text/html"));
        assertTrue(html.contains("<a href=\"https://alerter.example.test/?alert=gate-t1-1\">open the alert</a>"), html);
        assertTrue(html.contains("Gate &lt;B&gt; &amp; C"), "camera names are escaped: " + html);
        assertFalse(html.contains("<B>"), html);
        assertTrue(html.contains("no image"), "the unknown alert says why it has no picture");

        Map<String, byte[]> inline = new HashMap<>();
        for (int i = 1; i < related.getCount(); i++) {
            BodyPart p = related.getBodyPart(i);
            assertTrue(p.isMimeType("image/jpeg"), p.getContentType());
            assertEquals("inline", p.getDisposition());
            String cid = p.getHeader("Content-ID")[0].replaceAll("[<>]", "");
            try (InputStream in = p.getInputStream()) {
                inline.put(cid, in.readAllBytes());
            }
        }
        List<String> referenced = new ArrayList<>();
        Matcher cids = Pattern.compile("src=\"cid:([^\"]+)\"").matcher(html);
        while (cids.find()) {
            referenced.add(cids.group(1));
        }
        assertEquals(List.of("face-0@maskwatch", "heatmap-0@maskwatch"), referenced);
        assertEquals(inline.keySet(), Set.copyOf(referenced), "every cid: in the HTML is a part, and no part is unused");
        assertArrayEquals(face, inline.get("face-0@maskwatch"));
        assertArrayEquals(heat, inline.get("heatmap-0@maskwatch"));
        assertFalse(new String(mailSource(m)).contains(PASSWORD));
    }

    private static byte[] mailSource(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void aWrongPasswordIsRetryableWithAReasonThatNamesWhereThePasswordComesFromNotThePassword() throws Exception {
        startSmtp(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        Sink s = emailSink(sink("custodian", smtp(mail.getSmtp().getPort(), "none", "SMTP_PASSWORD")), Map.of(),
                Map.of("SMTP_PASSWORD", "wrong-password-1"), null);
        Sink.Result r = s.deliver(notification("n-x", List.of("x")));
        assertFalse(r.delivered());
        assertTrue(r.retryable(), "a rotated password heals; the DLQ takes it after the retries");
        assertEquals("SMTP authentication failed: check email.username and the password in $SMTP_PASSWORD", r.reason());
        assertEquals(0, mail.getReceivedMessages().length);
    }

    @Test
    void aServerThatIsDownIsRetried() throws Exception {
        int closedPort;
        try (ServerSocket ss = new ServerSocket(0)) {
            closedPort = ss.getLocalPort();
        }
        Sink s = emailSink(sink("custodian", smtp(closedPort, "none", null)), Map.of(), Map.of(), null);
        Sink.Result r = s.deliver(notification("n-x", List.of("x")));
        assertFalse(r.delivered());
        assertTrue(r.retryable());
        assertEquals("cannot connect to the SMTP server (ConnectException)", r.reason());
    }

    @Test
    void starttlsIsRequiredSoAServerWithoutItGetsNothingInClear() throws Exception {
        startSmtp(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)); // GreenMail offers no STARTTLS (SubEtha below does)
        Sink s = emailSink(sink("custodian", smtp(mail.getSmtp().getPort(), "starttls", "SMTP_PASSWORD")), Map.of(),
                Map.of("SMTP_PASSWORD", PASSWORD), null);
        Sink.Result r = s.deliver(notification("n-x", List.of("x")));
        assertFalse(r.delivered());
        assertFalse(r.retryable(), "a server without STARTTLS does not grow it by retrying");
        assertTrue(r.reason().startsWith("the SMTP server does not offer STARTTLS"), r.reason());
        assertEquals(0, mail.getReceivedMessages().length, "neither password nor message went in clear");
    }

    @Test
    void implicitTlsDeliversWithATrustedCertificateForTheHostAndRefusesAnUntrustedOne(@TempDir Path dir) throws Exception {
        Path keystore = selfSignedKeystore(dir);
        System.setProperty("greenmail.tls.keystore.file", keystore.toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
        System.setProperty("greenmail.tls.key.password", "changeit");
        try {
            startSmtp(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        } finally {
            System.clearProperty("greenmail.tls.keystore.file");
            System.clearProperty("greenmail.tls.keystore.password");
            System.clearProperty("greenmail.tls.key.password");
        }
        int port = mail.getSmtps().getPort();
        Map<String, Alert> alerts = Map.of("a", alert("a", jpeg(Color.GREEN), null));

        // The JVM's default trust store does not know the test's certificate: refused, retried, nothing sent.
        Sink untrusting = emailSink(sink("tls", smtp(port, "tls", "SMTP_PASSWORD")), alerts,
                Map.of("SMTP_PASSWORD", PASSWORD), null);
        Sink.Result refused = untrusting.deliver(notification("n-a", List.of("a")));
        assertFalse(refused.delivered());
        assertTrue(refused.retryable());
        assertTrue(refused.reason().startsWith("TLS with the SMTP server failed"), refused.reason());
        assertEquals(0, mail.getReceivedMessages().length);

        Sink trusting = emailSink(sink("tls", smtp(port, "tls", "SMTP_PASSWORD")), alerts,
                Map.of("SMTP_PASSWORD", PASSWORD), trusting(keystore));
        Sink.Result r = trusting.deliver(notification("n-a", List.of("a")));
        assertEquals(Sink.Result.OK, r, () -> "reason: " + r.reason());
        assertEquals(2, mail.getReceivedMessages().length);
    }

    @Test
    void starttlsUpgradesAndLogsInAndDeliversOnlyOverTheEncryptedConnection(@TempDir Path dir) throws Exception {
        Path keystore = selfSignedKeystore(dir);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);

        // SubEtha SMTP (GreenMail has no STARTTLS): the server offers STARTTLS, refuses AUTH and MAIL before
        // it, and records the protocol of the socket that carried the login and the message.
        List<String> loginProtocols = new CopyOnWriteArrayList<>();
        List<String> messageProtocols = new CopyOnWriteArrayList<>();
        List<byte[]> messages = new CopyOnWriteArrayList<>();
        SMTPServer server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .enableTLS()
                .requireTLS()
                .requireAuth()
                .startTlsSocketFactory(serverTls)
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
                    loginProtocols.add(protocol(ctx));
                    if (!USER.equals(user) || !PASSWORD.equals(password)) {
                        throw new LoginFailedException();
                    }
                }))
                .messageHandler((ctx, from, to, data) -> {
                    messageProtocols.add(protocol(ctx));
                    messages.add(data);
                })
                .build();
        server.start();
        try {
            int port = server.getPortAllocated();
            Map<String, Alert> alerts = Map.of("a", alert("a", jpeg(Color.GREEN), jpeg(Color.RED)));

            // Not trusted by the JVM's trust store: the upgrade fails, so the login never goes out.
            Sink untrusting = emailSink(sink("starttls", smtp(port, "starttls", "SMTP_PASSWORD")), alerts,
                    Map.of("SMTP_PASSWORD", PASSWORD), null);
            Sink.Result refused = untrusting.deliver(notification("n-a", List.of("a")));
            assertFalse(refused.delivered());
            assertTrue(refused.retryable(), refused.reason());
            assertTrue(refused.reason().startsWith("TLS with the SMTP server failed"), refused.reason());
            assertTrue(loginProtocols.isEmpty() && messages.isEmpty(), "nothing was sent before a trusted upgrade");

            Sink trusting = emailSink(sink("starttls", smtp(port, "starttls", "SMTP_PASSWORD")), alerts,
                    Map.of("SMTP_PASSWORD", PASSWORD), trusting(keystore));
            Sink.Result r = trusting.deliver(notification("n-a", List.of("a")));
            assertEquals(Sink.Result.OK, r, () -> "reason: " + r.reason());
            assertEquals(1, loginProtocols.size(), "one login");
            assertTrue(loginProtocols.get(0).startsWith("TLSv1."), "the password went over TLS: " + loginProtocols);
            assertEquals(1, messages.size(), "one SMTP transaction for both recipients");
            assertTrue(messageProtocols.get(0).startsWith("TLSv1."), "the message went over TLS: " + messageProtocols);
            MimeMessage m = new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()),
                    new java.io.ByteArrayInputStream(messages.get(0)));
            assertEquals("<n-a@maskwatch>", m.getMessageID());
            assertTrue(m.getSubject().startsWith("MaskWatch: 1 people without a mask"), m.getSubject());
        } finally {
            server.stop();
        }
    }

    /** The TLS protocol of the socket of this SMTP session, or "plain". */
    private static String protocol(MessageContext ctx) {
        Socket socket = ((org.subethamail.smtp.server.Session) ctx).getSocket();
        return socket instanceof SSLSocket ssl ? ssl.getSession().getProtocol() : "plain";
    }

    /** A key pair and self-signed certificate for localhost / 127.0.0.1, made by the JDK's keytool. */
    static Path selfSignedKeystore(Path dir) throws Exception {
        Path keystore = dir.resolve("smtp.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), out);
        return keystore;
    }

    /** A socket factory that trusts only the certificate in {@code keystore}. */
    static SSLSocketFactory trusting(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        Certificate cert = ks.getCertificate("smtp");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("smtp", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    @Test
    void thePasswordComesFromTheEnvironmentOrAFileAndAMissingOneStopsTheStartNamingWhere(@TempDir Path dir) throws Exception {
        SinkConfig env = sink("custodian", smtp(25, "starttls", "SMTP_PASSWORD"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> emailSink(env, Map.of(), Map.of(), null));
        assertEquals("email.password-env: environment variable SMTP_PASSWORD is not set or empty; set it to the SMTP password",
                e.getMessage());

        // What the alerter's start does: every sink's problem at once, prefixed with where it is configured.
        SinkConfig unset = sink("custodian", smtp(25, "starttls", "MASKWATCH_TEST_SURELY_UNSET_PASSWORD"));
        var ce = assertThrows(io.maskwatch.common.config.ConfigException.class,
                () -> Sink.all(List.of(SinkConfig.log(), unset), null, id -> Optional.empty(), LINKS));
        assertTrue(ce.getMessage().contains("alerter.notifications.sinks[custodian].email.password-env: environment variable "
                + "MASKWATCH_TEST_SURELY_UNSET_PASSWORD is not set"), ce.getMessage());

        Path file = dir.resolve("smtp-password");
        Files.writeString(file, PASSWORD + "\n");
        EmailConfig fromFile = new EmailConfig("localhost", null, null, USER, null, file.toString(),
                "maskwatch@example.test", List.of("c@example.test"), null);
        assertEquals(PASSWORD, fromFile.password(k -> null), "trailing newline of a mounted secret ignored");
        assertEquals(587, fromFile.port(), "starttls's port by default");
        EmailConfig missing = new EmailConfig("localhost", null, "tls", USER, null, dir.resolve("nope").toString(),
                "maskwatch@example.test", List.of("c@example.test"), null);
        assertEquals(465, missing.port());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> missing.password(k -> null));
        assertTrue(f.getMessage().startsWith("email.password-file: cannot read " + dir.resolve("nope")), f.getMessage());
    }

    @Test
    void badEmailSettingsAreNamed() {
        SinkConfig noEmail = new SinkConfig("email", "m", null, null, null, null, null, null, null);
        assertEquals(List.of("email is required for an email sink (host, from, to, ...)"), noEmail.problems());
        EmailConfig bad = new EmailConfig(" ", 0, "ssl", "u", "hunter2 is my password", null, "nobody", List.of(), 99);
        assertEquals(List.of(
                "host is required (the SMTP server)",
                "port must be 1..65535, got 0",
                "security must be one of [starttls, tls, none], got 'ssl'",
                "from must be an e-mail address, got 'nobody'",
                "to must list at least one recipient",
                "password-env must be the NAME of an environment variable (e.g. SMTP_PASSWORD), not the password",
                "max-images must be 0..50, got 99"), bad.problems());
        EmailConfig both = new EmailConfig("h", null, null, "u", "A", "/f", "a@b.c", List.of("x@y.z"), null);
        assertTrue(both.problems().get(0).startsWith("with a username, set exactly one of password-env"), both.problems().toString());
        assertTrue(EmailConfig.isAddress("MaskWatch <maskwatch@example.test>"));
        assertFalse(EmailConfig.isAddress("a@example.test, b@example.test"), "one address per list entry");
        assertFalse(EmailConfig.isAddress("a@example.test\r\nBcc: x@evil.test"), "no header injection");
        SinkConfig webhookWithEmail = new SinkConfig("webhook", "w", "https://x.test/", null, null, null, null, null,
                smtp(25, "none", null));
        assertEquals(List.of("email is only for sinks of type email, not webhook"), webhookWithEmail.problems());
    }
}
