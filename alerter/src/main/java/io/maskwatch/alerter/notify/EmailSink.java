package io.maskwatch.alerter.notify;

import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.Notification;
import jakarta.activation.DataHandler;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends a notification as an e-mail: an HTML part with each alert's face and heat map inline
 * ({@code multipart/related}, {@code cid:} references, so no image is fetched from the network and
 * no link needs a token) and a link to the alert, plus a plain-text alternative. The Message-ID is
 * derived from the notification id, so a redelivery (at-least-once) can be recognised.
 *
 * <p>Connection failures, timeouts, TLS failures, refused logins and SMTP 4xx answers are retried
 * by the dispatcher; 5xx answers (recipient or message refused) and a server that does not offer
 * STARTTLS when it is required are permanent. Reasons never carry the server's text (it may echo
 * addresses or credentials) nor the password.
 */
final class EmailSink implements Sink {
    /** What an e-mail sink needs from the alerter besides its config. */
    record Context(Function<String, Optional<Alert>> alerts, SnapshotLinks links, Function<String, String> env,
                   SSLSocketFactory sslSocketFactory) {
        /** The JVM's trust store and the process environment. */
        static Context of(Function<String, Optional<Alert>> alerts, SnapshotLinks links) {
            return new Context(alerts, links, System::getenv, null);
        }
    }

    /** How long an alert the API has not loaded yet is waited for before the e-mail goes without its images. */
    static final long IMAGE_WAIT_MS = 3_000;
    private static final ByteArrayDataSource[] NO_IMAGES = {};

    private final SinkConfig cfg;
    private final EmailConfig mail;
    private final Context ctx;
    private final String password;
    private final Session session;
    private final InternetAddress from;
    private final InternetAddress[] to;
    /** The notification already waited for (retries of it do not wait again); one delivery loop per sink. */
    private volatile String waitedFor;

    /** @throws IllegalArgumentException when the password cannot be read (naming the variable or file) */
    EmailSink(SinkConfig cfg, Context ctx) {
        this.cfg = cfg;
        this.mail = cfg.email();
        this.ctx = ctx;
        this.password = mail.password(ctx.env());
        try {
            this.from = new InternetAddress(mail.from().strip(), true);
            List<InternetAddress> rcpt = new ArrayList<>();
            for (String t : mail.to()) {
                rcpt.add(new InternetAddress(t.strip(), true));
            }
            this.to = rcpt.toArray(InternetAddress[]::new);
        } catch (AddressException e) {
            throw new IllegalArgumentException("email: bad address (" + e.getMessage() + ")");
        }
        this.session = Session.getInstance(sessionProperties(), null);
    }

    private Properties sessionProperties() {
        Properties p = new Properties();
        String t = String.valueOf(cfg.timeoutMs());
        p.put("mail.smtp.host", mail.host());
        p.put("mail.smtp.port", String.valueOf(mail.port()));
        p.put("mail.smtp.connectiontimeout", t);
        p.put("mail.smtp.timeout", t);
        p.put("mail.smtp.writetimeout", t);
        p.put("mail.smtp.auth", String.valueOf(password != null));
        p.put("mail.smtp.from", from.getAddress());
        switch (mail.security()) {
            case "starttls" -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true"); // never fall back to sending in clear
            }
            case "tls" -> p.put("mail.smtp.ssl.enable", "true");
            default -> {
                // none: plain SMTP to a local relay
            }
        }
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        if (ctx.sslSocketFactory() != null) {
            p.put("mail.smtp.ssl.socketFactory", ctx.sslSocketFactory());
        }
        return p;
    }

    @Override
    public SinkConfig config() {
        return cfg;
    }

    @Override
    public Result deliver(Notification n) throws InterruptedException {
        MimeMessage m;
        try {
            m = message(n, alerts(n));
        } catch (MessagingException e) {
            return Result.permanent("cannot build the e-mail (" + e.getClass().getSimpleName() + ")");
        }
        try (Transport tr = session.getTransport("smtp")) {
            tr.connect(mail.host(), mail.port(), password == null ? null : mail.username(), password);
            tr.sendMessage(m, to);
            return Result.OK;
        } catch (MessagingException e) {
            return classify(e);
        }
    }

    /** Sends one e-mail with a plain-text and an HTML part (the compliance digest) to the sink's recipients. */
    Result send(String subject, String text, String html) {
        try (Transport tr = session.getTransport("smtp")) {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipients(jakarta.mail.Message.RecipientType.TO, to);
            m.setSubject(subject, "UTF-8");
            jakarta.mail.internet.MimeMultipart alt = new jakarta.mail.internet.MimeMultipart("alternative");
            jakarta.mail.internet.MimeBodyPart plain = new jakarta.mail.internet.MimeBodyPart();
            plain.setText(text, "UTF-8");
            jakarta.mail.internet.MimeBodyPart rich = new jakarta.mail.internet.MimeBodyPart();
            rich.setContent(html, "text/html; charset=UTF-8");
            alt.addBodyPart(plain);
            alt.addBodyPart(rich);
            m.setContent(alt);
            m.saveChanges();
            tr.connect(mail.host(), mail.port(), password == null ? null : mail.username(), password);
            tr.sendMessage(m, to);
            return Result.OK;
        } catch (MessagingException e) {
            return classify(e);
        }
    }

    /** The notification's alerts the API knows (face, heat map, time), waiting briefly for ones it has not read yet. */
    private Map<String, Alert> alerts(Notification n) throws InterruptedException {
        List<String> wanted = n.alertIds();
        Map<String, Alert> out = new LinkedHashMap<>();
        boolean retry = n.notificationId().equals(waitedFor);
        waitedFor = n.notificationId();
        long deadline = System.nanoTime() + (retry ? 0 : Math.min(IMAGE_WAIT_MS, cfg.timeoutMs()) * 1_000_000L);
        while (true) {
            // The images come from their own topic (alert-images): an alert read without them may get
            // them within the wait; after it, take what is there (some alerts have no crop).
            boolean late = System.nanoTime() > deadline;
            for (String id : wanted) {
                if (!out.containsKey(id)) {
                    ctx.alerts().apply(id).filter(a -> a.hasImages() || late).ifPresent(a -> out.put(id, a));
                }
            }
            if (out.size() == wanted.size() || late) {
                return out;
            }
            Thread.sleep(100);
        }
    }

    private static ByteArrayDataSource jpeg(byte[] b) {
        return b == null ? null : new ByteArrayDataSource(b, "image/jpeg");
    }

    MimeMessage message(Notification n, Map<String, Alert> alerts) throws MessagingException {
        String messageId = "<" + n.notificationId().replaceAll("[^A-Za-z0-9._-]", ".") + "@maskwatch>";
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        m.setFrom(from);
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject("MaskWatch: " + n.message(), "UTF-8");
        m.setSentDate(new Date());
        m.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to this
        m.setHeader("X-MaskWatch-Notification", n.notificationId());

        String camera = n.cameraName() != null ? n.cameraName() : n.cameraId();
        StringBuilder text = new StringBuilder(n.message()).append("\n\nCamera: ").append(camera)
                .append(" (").append(n.cameraId()).append(")\nTime: ").append(time(n.windowStartMs()))
                .append(" to ").append(time(n.windowEndMs())).append("\n\n");
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">")
                .append("<h2 style=\"margin:0 0 8px\">").append(esc(n.message())).append("</h2><p>Camera <b>")
                .append(esc(camera)).append("</b> &middot; ").append(time(n.windowStartMs())).append(" to ")
                .append(time(n.windowEndMs())).append("</p>");
        List<MimeBodyPart> inline = new ArrayList<>();
        for (int i = 0; i < n.alertIds().size(); i++) {
            String id = n.alertIds().get(i);
            String status = n.alertStatuses().get(i).displayName();
            String page = ctx.links().page(id);
            Alert a = alerts.get(id);
            String detail = a == null ? "" : String.format(java.util.Locale.ROOT, " at %s (%.0f%% of %d faces)",
                    time(a.timestampMs()), 100 * a.confidence(), a.frameCount());
            text.append("- ").append(status).append(detail).append(": ").append(page).append('\n');
            html.append("<div style=\"margin:12px 0;padding:8px;border:1px solid #ddd\"><p style=\"margin:0 0 6px\"><b>")
                    .append(esc(status)).append("</b>").append(esc(detail)).append(" &middot; <a href=\"").append(esc(page))
                    .append("\">open the alert</a></p>");
            ByteArrayDataSource[] img = a == null ? NO_IMAGES
                    : new ByteArrayDataSource[] {jpeg(a.faceJpeg()), jpeg(a.heatmapJpeg())};
            if (i >= mail.maxImages()) {
                html.append("<p>(images: open the alert)</p>");
            } else if (img.length == 0 || (img[0] == null && img[1] == null)) {
                html.append("<p>(no image: the alert has none, was erased, or is no longer kept)</p>");
            } else {
                String[] kinds = {"face", "heat map"};
                for (int k = 0; k < 2; k++) {
                    if (img[k] == null) {
                        continue;
                    }
                    String cid = (k == 0 ? "face-" : "heatmap-") + i + "@maskwatch";
                    MimeBodyPart part = new MimeBodyPart();
                    part.setDataHandler(new DataHandler(img[k]));
                    part.setContentID("<" + cid + ">");
                    part.setDisposition(MimeBodyPart.INLINE);
                    part.setFileName((k == 0 ? "face-" : "heatmap-") + (i + 1) + ".jpg");
                    part.setHeader("Content-Type", "image/jpeg");
                    inline.add(part);
                    html.append("<img src=\"cid:").append(cid).append("\" alt=\"").append(kinds[k])
                            .append("\" height=\"160\" style=\"margin-right:6px\">");
                }
            }
            html.append("</div>");
        }
        text.append("\nSent by MaskWatch. Links open the alerter page (sign in with your token).\n");
        html.append("<p style=\"color:#666;font-size:small\">Sent by MaskWatch. Links open the alerter page "
                + "(sign in with your token).</p></body></html>");

        MimeBodyPart plainPart = new MimeBodyPart();
        plainPart.setText(text.toString(), "UTF-8");
        MimeMultipart related = new MimeMultipart("related");
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setText(html.toString(), "UTF-8", "html");
        related.addBodyPart(htmlPart);
        for (MimeBodyPart p : inline) {
            related.addBodyPart(p);
        }
        MimeBodyPart relatedPart = new MimeBodyPart();
        relatedPart.setContent(related);
        MimeMultipart alternative = new MimeMultipart("alternative"); // the last part is the preferred one
        alternative.addBodyPart(plainPart);
        alternative.addBodyPart(relatedPart);
        m.setContent(alternative);
        m.saveChanges();
        return m;
    }

    private static String time(long ms) {
        return Instant.ofEpochMilli(ms).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** What the failure means for retrying, in words that name no address, server text or secret. */
    private Result classify(MessagingException e) {
        if (e instanceof AuthenticationFailedException) {
            return Result.retry("SMTP authentication failed: check email.username and the password in "
                    + (mail.passwordEnv() != null ? "$" + mail.passwordEnv() : mail.passwordFile()));
        }
        if (e instanceof SMTPAddressFailedException a) {
            return smtpCode(a.getReturnCode(), "recipient refused");
        }
        if (e instanceof SMTPSendFailedException s) {
            return smtpCode(s.getReturnCode(), "message refused");
        }
        if (e instanceof SendFailedException s && s.getNextException() instanceof SMTPAddressFailedException a) {
            return smtpCode(a.getReturnCode(), "recipient refused");
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("STARTTLS is required")) {
            return Result.permanent("the SMTP server does not offer STARTTLS and security is starttls: nothing is sent "
                    + "in clear (use security: tls for port 465, or fix the server)");
        }
        for (Throwable c = e; c != null; c = c.getCause() != null ? c.getCause()
                : c instanceof MessagingException me ? me.getNextException() : null) {
            if (c instanceof SocketTimeoutException) {
                return Result.retry("SMTP server timed out after " + cfg.timeoutMs() + " ms");
            }
            if (c instanceof SSLException) {
                return Result.retry("TLS with the SMTP server failed (" + c.getClass().getSimpleName()
                        + "): is its certificate trusted by this JVM and issued for email.host?");
            }
            if (c instanceof ConnectException || c instanceof UnknownHostException) {
                return Result.retry("cannot connect to the SMTP server (" + c.getClass().getSimpleName() + ")");
            }
        }
        return Result.retry("SMTP error (" + e.getClass().getSimpleName() + ")");
    }

    private static Result smtpCode(int code, String what) {
        String reason = "SMTP server: " + what + " (" + code + ")";
        return code >= 500 ? Result.permanent(reason) : Result.retry(reason);
    }
}
