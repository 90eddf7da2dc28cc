package dev.burnrate.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Outbound URLs (alert channels, webhook actuators): absolute http or https with a host; file:, ftp:, jar: and the like never. */
public final class HttpUrls {
    private HttpUrls() {
    }

    /** The URL, or {@link IllegalArgumentException} saying why it is not an http(s) URL. */
    public static URI require(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) throw new IllegalArgumentException("'" + url + "' is not an http or https URL");
        if (u.getHost() == null) throw new IllegalArgumentException("'" + url + "' names no host");
        return u;
    }
}
