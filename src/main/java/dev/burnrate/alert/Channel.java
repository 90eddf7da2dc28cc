package dev.burnrate.alert;

/** A place alerts go: one small interface per destination. */
public interface Channel {
    String name();

    /**
     * Sends one alert. Throws {@link DeliveryException} when the receiver did not take it; the outbox retries.
     * {@code idempotencyKey} is the same on every retry of this alert to this channel.
     */
    void send(Alert alert, String idempotencyKey) throws DeliveryException;

    final class DeliveryException extends Exception {
        public DeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
