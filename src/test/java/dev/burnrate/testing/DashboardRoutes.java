package dev.burnrate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The views the dashboard (web/app.js) routes to: {@code pages.NAME = ...} answers {@code #/NAME}. */
public final class DashboardRoutes {
    private DashboardRoutes() {
    }

    public static Set<String> pages() {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/web/app.js")) {
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("(?m)^pages\\.(\\w+) = ").matcher(js);
            return m.results().map(r -> r.group(1)).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page a dashboard link opens: {@code http://host:port/#/budgets?id=x} → {@code budgets}, or null when it is not a hash route. */
    public static String pageOf(String link) {
        String fragment = URI.create(link).getRawFragment();
        if (fragment == null || !fragment.startsWith("/")) return null;
        String path = fragment.substring(1);
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
