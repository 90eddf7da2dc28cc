package dev.burnrate.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One entry of the append-only audit log. {@code hash} is SHA-256 over the previous entry's hash and this entry's
 * fields, so changing, inserting or removing an entry breaks every hash after it.
 *
 * @param detail a JSON document with the numbers of the event (request, decision, reasons, amounts)
 */
public record AuditEvent(long seq, Instant at, String actor, String action, String subject, String detail, String prevHash,
                         String hash) {
    /** The hash of "no previous entry". */
    public static final String GENESIS = "0".repeat(64);

    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        subject = subject == null ? "" : subject;
        detail = detail == null ? "{}" : detail;
        Objects.requireNonNull(prevHash, "prevHash");
    }

    /** The hash this entry must carry, given its fields and its predecessor's hash. */
    public String expectedHash() {
        return sha256(prevHash + "\n" + seq + "\n" + at + "\n" + actor + "\n" + action + "\n" + subject + "\n" + detail);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
