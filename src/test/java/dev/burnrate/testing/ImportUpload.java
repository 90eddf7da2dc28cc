package dev.burnrate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** POST /api/v1/imports as the dashboard's upload sends it: one file in a multipart/form-data body. */
public final class ImportUpload {
    private ImportUpload() {
    }

    /** The request uploading {@code content} as {@code name} to the server at {@code base}; {@code origin} null: no Origin header. */
    public static HttpRequest request(String base, String name, byte[] content, String origin) throws IOException {
        String boundary = "burnrate-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/imports"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (origin != null) b.header("Origin", origin);
        return b.build();
    }
}
