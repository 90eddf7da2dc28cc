package dev.burnrate.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.burnrate.ledger.Money;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * The API's JSON: ISO-8601 instants, and every {@link BigDecimal} (amounts, estimates, hours, the numbers behind a
 * decision) as an exact decimal string such as {@code "137.6"}: a JSON number would be read as a binary double by
 * most clients (JavaScript among them) and lose digits. The server and the CLI's gate client share it, so a ticket
 * reads the same whether the CLI went through a server or opened the ledger itself.
 */
public final class ApiJson {
    private ApiJson() {
    }

    public static ObjectMapper mapper() {
        SimpleModule decimals = new SimpleModule("decimal-strings");
        decimals.addSerializer(BigDecimal.class, new StdSerializer<>(BigDecimal.class) {
            @Override
            public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(Money.plain(value));
            }
        });
        return new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(decimals)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }
}
