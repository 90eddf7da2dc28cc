package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiTest {
    private static final Pattern ROUTE = Pattern.compile("app\\.(get|post|put|delete|patch)\\(\"(/[^\"]+)\"");
    private static final Pattern READ = Pattern.compile("(?:queryParams?\\(|(?:int|double)Param\\(ctx, )\"(\\w+)\"");

    /** The source text of the HTTP adapter's classes. */
    private static java.util.List<String> httpSources() throws java.io.IOException {
        java.util.List<String> sources = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/burnrate/http"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) sources.add(Files.readString(f));
        }
        return sources;
    }

    @Test
    void everyRouteTheServerRegisters_isDocumentedInOpenApi_andNothingElse() throws Exception {
        Set<String> registered = new TreeSet<>();
        for (String source : httpSources()) {
            Matcher m = ROUTE.matcher(source);
            while (m.find()) registered.add(m.group(1).toUpperCase(Locale.ROOT) + " " + m.group(2));
        }
        registered.remove("GET /api/openapi.json");
        Set<String> documented = new TreeSet<>();
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.json")) {
            JsonNode paths = new ObjectMapper().readTree(in).get("paths");
            paths.fieldNames().forEachRemaining(path -> paths.get(path).fieldNames()
                    .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        }
        assertThat(registered).isNotEmpty();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);
    }

    /**
     * A route refuses the query parameters openapi.json does not declare for it (QueryParameters), so a parameter a
     * handler reads but the document never declares could never arrive: every name read must be declared somewhere.
     */
    @Test
    void everyQueryParameterTheHandlersRead_isDeclaredInOpenApi() throws Exception {
        Set<String> read = new TreeSet<>();
        for (String source : httpSources()) {
            Matcher m = READ.matcher(source);
            while (m.find()) read.add(m.group(1));
        }
        Set<String> declared = new TreeSet<>();
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.json")) {
            new ObjectMapper().readTree(in).get("paths").forEach(path -> path.forEach(op -> {
                for (JsonNode p : op.isArray() ? op : op.path("parameters")) {
                    if ("query".equals(p.path("in").asText())) declared.add(p.path("name").asText());
                }
            }));
        }
        assertThat(read).contains("groupBy", "grain", "horizon");
        assertThat(declared).containsAll(read);
    }
}
