package dev.burnrate.spec;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;

/** Fields of JSON bodies as the API takes them (requests, heartbeats): one reading of each kind of value. */
public final class JsonFields {
    private JsonFields() {
    }

    /**
     * A decimal field sent as a JSON string ("137.6", as the API writes them) or a number; null when absent.
     *
     * @throws IllegalArgumentException naming the field, when it is not a number
     */
    public static BigDecimal decimal(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return null;
        if (v.isNumber()) return v.decimalValue();
        try {
            return new BigDecimal(v.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(f + " must be a number, was '" + v.asText() + "'");
        }
    }
}
