package dev.burnrate.gate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** A ticket as JSON, as the journal and a shared ticket store keep it (the plan left out when it is the request). */
public final class TicketCodec {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private TicketCodec() {
    }

    public static String write(Ticket t) {
        try {
            return JSON.writeValueAsString(t.compact());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise ticket " + t.id(), e);
        }
    }

    /** Reads a ticket; throws {@link java.io.IOException} wrapped as {@link java.io.UncheckedIOException} when it is not one. */
    public static Ticket read(String json) {
        try {
            return JSON.readValue(json, Ticket.class).expanded();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
