package dev.burnrate.alert;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.util.List;
import java.util.Properties;

/** SMTP email: one plain-text message per alert, with the idempotency key as a header receivers can dedupe on. */
public record EmailChannel(String name, String host, int port, String from, List<String> to, String user, String password,
                           boolean startTls) implements Channel {
    @Override
    public void send(Alert a, String key) throws DeliveryException {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        if (startTls) p.put("mail.smtp.starttls.enable", "true");
        if (user != null) p.put("mail.smtp.auth", "true");
        Session session = Session.getInstance(p);
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(from));
            for (String r : to) m.addRecipient(Message.RecipientType.TO, new InternetAddress(r));
            m.setSubject("[burnrate " + a.severity().name().toLowerCase() + "] " + a.title());
            m.setText(HttpChannels.text(a));
            m.setHeader("X-Burnrate-Idempotency-Key", key);
            m.setHeader("X-Burnrate-Dedup-Key", a.dedupKey());
            if (user != null) Transport.send(m, user, password);
            else Transport.send(m);
        } catch (MessagingException e) {
            throw new DeliveryException(name + ": SMTP " + host + ":" + port + " refused the message: " + e.getMessage(), e);
        }
    }
}
