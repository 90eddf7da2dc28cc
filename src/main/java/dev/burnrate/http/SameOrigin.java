package dev.burnrate.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps web pages the user happens to visit from driving the server (which, without tokens, trusts any caller that
 * can reach it):
 * <ul>
 *   <li><b>Host</b> (DNS rebinding): the {@code Host} header must name this server: the bound host or address, the
 *   loopback names when bound to loopback, or a host of {@code server.allowedHosts}. A wildcard bind (0.0.0.0, ::)
 *   is only reachable with tokens; there the header is checked when a list is configured.</li>
 *   <li><b>Origin</b> (cross-site requests): a state-changing request that carries an {@code Origin} must come from
 *   this server's own origin (the dashboard); {@code Origin: null} is refused. Clients without a browser send none.</li>
 *   <li><b>Content type</b>: a state-changing API request that declares a body type must declare JSON or NDJSON (415
 *   otherwise), and a non-empty body must declare one, so HTML forms and {@code text/plain} posts never reach a route.</li>
 * </ul>
 */
final class SameOrigin {
    /** Media types a body of the API may have. */
    static final Set<String> BODY_TYPES = Set.of("application/json", "application/x-ndjson", "application/ndjson");
    /** Routes that take multipart/form-data uploads. */
    static final Set<String> UPLOAD_PATHS = Set.of("/api/v1/imports");
    /** Routes that take a CSV body (instance samples). */
    static final Set<String> CSV_PATHS = Set.of("/api/v1/instance-samples");
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> hosts;
    private final boolean anyHost;

    private SameOrigin(Set<String> hosts, boolean anyHost) {
        this.hosts = hosts;
        this.anyHost = anyHost;
    }

    /** The hosts a request may name for a server bound to {@code bind}, plus the configured ones. */
    static SameOrigin forBind(String bind, Collection<String> allowed) {
        Set<String> hosts = new TreeSet<>();
        for (String h : allowed) hosts.add(h.strip().toLowerCase(Locale.ROOT));
        boolean wildcard;
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(bind);
            wildcard = a.isAnyLocalAddress();
            if (a.isLoopbackAddress()) hosts.addAll(LOOPBACK_NAMES);
            if (!wildcard) {
                hosts.add(bind.toLowerCase(Locale.ROOT));
                String ip = a.getHostAddress().toLowerCase(Locale.ROOT);
                hosts.add(a instanceof java.net.Inet6Address ? "[" + ip + "]" : ip);
            }
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve bind address " + bind);
        }
        if (wildcard && !allowed.isEmpty()) hosts.addAll(LOOPBACK_NAMES);
        return new SameOrigin(Set.copyOf(hosts), wildcard && allowed.isEmpty());
    }

    /** Returns false (and answers 403 or 415) when the request may not go on. */
    boolean check(Context ctx) {
        String host = ctx.header("Host");
        if (!anyHost && (host == null || !hosts.contains(hostName(host)))) {
            ApiServer.problemStatic(ctx, 403, "Forbidden", "Host '" + host + "' is not this server (expected one of " + hosts
                    + "); a proxy or DNS name in front of it goes under server.allowedHosts in burnrate.yaml");
            return false;
        }
        if (!changesState(ctx.method())) return true;
        String origin = ctx.header("Origin");
        if (origin != null && !sameOrigin(origin, host)) {
            ApiServer.problemStatic(ctx, 403, "Forbidden", "cross-origin request from " + origin + " refused; only this server's own pages may change state");
            return false;
        }
        if (!ctx.path().startsWith("/api/")) return true;
        String type = ctx.contentType();
        String media = type == null ? null : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        boolean hasBody = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
        // bills are files: multipart only where a route takes uploads (a browser's cross-site form was refused by Origin above)
        boolean upload = "multipart/form-data".equals(media) && UPLOAD_PATHS.contains(ctx.path())
                // CSV telemetry: not a type a cross-site form or a simple request can send (it needs a preflight, which fails)
                || "text/csv".equals(media) && CSV_PATHS.contains(ctx.path());
        if (!upload && (media == null ? hasBody : !(BODY_TYPES.contains(media) || media.startsWith("application/") && media.endsWith("+json")))) {
            ApiServer.problemStatic(ctx, 415, "Unsupported Media Type", "request body of type " + (type == null ? "(none)" : "'" + type + "'")
                    + " refused; send Content-Type: " + (CSV_PATHS.contains(ctx.path()) ? "text/csv" : "application/json (or application/x-ndjson for NDJSON batches)"));
            return false;
        }
        return true;
    }

    private static boolean changesState(HandlerType m) {
        return m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS;
    }

    /** Does the Origin name the same host and port as the Host header (missing ports: the origin scheme's default)? */
    static boolean sameOrigin(String origin, String host) {
        if (host == null) return false;
        URI o;
        try {
            o = new URI(origin);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        if (o.getScheme() == null || o.getHost() == null || !(o.getScheme().equals("http") || o.getScheme().equals("https"))) return false;
        int def = o.getScheme().equals("https") ? 443 : 80;
        int originPort = o.getPort() < 0 ? def : o.getPort();
        String hostName = hostName(host);
        int colon = host.lastIndexOf(':');
        int hostPort = colon > host.lastIndexOf(']') && colon >= 0 ? parsePort(host.substring(colon + 1)) : def;
        return o.getHost().toLowerCase(Locale.ROOT).equals(hostName) && originPort == hostPort;
    }

    /** The host part of a Host header, lower case, IPv6 literals in brackets, without the port. */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static int parsePort(String p) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
