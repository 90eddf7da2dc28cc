package dev.burnrate.app;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Channel;
import dev.burnrate.alert.Dispatcher;
import dev.burnrate.alert.EmailChannel;
import dev.burnrate.alert.HttpChannels;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code channels:} and {@code alerting:} sections of burnrate.yaml. Values may be {@code ${ENV_VAR}} so
 * secrets stay out of the file.
 * <pre>
 * channels:
 *   ops:      {type: webhook, url: https://hooks.example.com/burnrate, secret: ${BURNRATE_WEBHOOK_SECRET}}
 *   finops:   {type: slack, url: ${SLACK_WEBHOOK_URL}}
 *   oncall:   {type: pagerduty, routingKey: ${PD_ROUTING_KEY}}
 *   tickets:  {type: jira, url: https://acme.atlassian.net, project: FINOPS, user: bot@acme.com, token: ${JIRA_TOKEN}}
 *   mail:     {type: email, host: smtp.acme.com, port: 587, startTls: true, from: burnrate@acme.com, to: [finops@acme.com]}
 * alerting:
 *   routes: {page: [oncall], ticket: [tickets, finops], info: [finops]}
 *   quietHours: "22:00-07:00"      # UTC; holds ticket and info alerts, never pages
 *   minDuration: 10m               # deliver only if still open after this long
 *   dashboardUrl: https://burnrate.acme.com
 * </pre>
 */
final class AlertingConfig {
    private AlertingConfig() {
    }

    static Map<String, Channel> channels(String file, Node node) {
        Map<String, Channel> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping(file, node, "channels").getValue()) {
            String name = scalar(file, t.getKeyNode(), "channels");
            String p = "channels." + name;
            Map<String, String> f = new LinkedHashMap<>();
            Map<String, Node> nodes = new LinkedHashMap<>();
            for (NodeTuple kv : mapping(file, t.getValueNode(), p).getValue()) {
                String k = scalar(file, kv.getKeyNode(), p);
                nodes.put(k, kv.getValueNode());
                if (kv.getValueNode() instanceof ScalarNode) f.put(k, env(file, kv.getValueNode(), p + "." + k));
            }
            String type = req(file, f, t.getValueNode(), p, "type");
            Set<String> allowed = switch (type) {
                case "webhook" -> Set.of("type", "url", "secret");
                case "slack" -> Set.of("type", "url");
                case "pagerduty" -> Set.of("type", "url", "routingKey");
                case "jira" -> Set.of("type", "url", "project", "issueType", "user", "token");
                case "email" -> Set.of("type", "host", "port", "from", "to", "user", "password", "startTls");
                default -> throw new ConfigException(file, line(t.getValueNode()), p + ".type",
                        "'" + type + "' is not one of webhook, slack, pagerduty, jira, email");
            };
            for (String k : nodes.keySet()) {
                if (!allowed.contains(k)) throw new ConfigException(file, line(nodes.get(k)), p + "." + k, "unknown key for a " + type + " channel; expected " + allowed);
            }
            Node at = t.getValueNode();
            if (f.containsKey("url")) {
                try {
                    dev.burnrate.spec.HttpUrls.require(f.get("url"));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(file, line(nodes.get("url")), p + ".url", e.getMessage());
                }
            }
            Channel c = switch (type) {
                case "webhook" -> new HttpChannels.Webhook(name, req(file, f, at, p, "url"), req(file, f, at, p, "secret"));
                case "slack" -> new HttpChannels.Slack(name, req(file, f, at, p, "url"));
                case "pagerduty" -> new HttpChannels.PagerDuty(name, f.getOrDefault("url", "https://events.pagerduty.com/v2/enqueue"),
                        req(file, f, at, p, "routingKey"));
                case "jira" -> new HttpChannels.Jira(name, req(file, f, at, p, "url"), req(file, f, at, p, "project"),
                        f.getOrDefault("issueType", "Task"), req(file, f, at, p, "user"), req(file, f, at, p, "token"));
                case "email" -> {
                    List<String> to = nodes.containsKey("to") ? strings(file, nodes.get("to"), p + ".to") : List.of();
                    if (to.isEmpty()) throw new ConfigException(file, line(at), p + ".to", "required: at least one recipient");
                    int port;
                    try {
                        port = Integer.parseInt(f.getOrDefault("port", "25"));
                    } catch (NumberFormatException e) {
                        throw new ConfigException(file, line(nodes.get("port")), p + ".port", "'" + f.get("port") + "' is not a port number");
                    }
                    yield new EmailChannel(name, req(file, f, at, p, "host"), port, req(file, f, at, p, "from"), to,
                            f.get("user"), f.get("password"), Boolean.parseBoolean(f.getOrDefault("startTls", "false")));
                }
                default -> throw new IllegalStateException(type);
            };
            out.put(name, c);
        }
        return out;
    }

    static BurnrateConfig.Alerting alerting(String file, Node node, Set<String> channelNames) {
        Map<Alert.Severity, List<String>> routes = new EnumMap<>(Alert.Severity.class);
        Dispatcher.QuietHours quiet = null;
        Duration min = Duration.ZERO;
        String dashboard = null; // default: the address serve listens on
        for (NodeTuple t : mapping(file, node, "alerting").getValue()) {
            String k = scalar(file, t.getKeyNode(), "alerting");
            String p = "alerting." + k;
            switch (k) {
                case "routes" -> {
                    for (NodeTuple r : mapping(file, t.getValueNode(), p).getValue()) {
                        String sev = scalar(file, r.getKeyNode(), p);
                        Alert.Severity s;
                        try {
                            s = Alert.Severity.valueOf(sev.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            throw new ConfigException(file, line(r.getKeyNode()), p + "." + sev, "expected page, ticket or info");
                        }
                        List<String> chs = strings(file, r.getValueNode(), p + "." + sev);
                        for (String ch : chs) {
                            if (!channelNames.contains(ch)) throw new ConfigException(file, line(r.getValueNode()), p + "." + sev, "no channel named '" + ch + "' under channels:");
                        }
                        routes.put(s, chs);
                    }
                }
                case "quietHours" -> {
                    String v = scalar(file, t.getValueNode(), p);
                    String[] parts = v.split("-");
                    try {
                        if (parts.length != 2) throw new DateTimeParseException("", v, 0);
                        quiet = new Dispatcher.QuietHours(LocalTime.parse(parts[0].strip()), LocalTime.parse(parts[1].strip()));
                    } catch (DateTimeParseException e) {
                        throw new ConfigException(file, line(t.getValueNode()), p, "'" + v + "': expected HH:MM-HH:MM (UTC)");
                    }
                }
                case "minDuration" -> {
                    try {
                        min = dev.burnrate.spec.Nodes.duration(file, t.getValueNode(), p);
                    } catch (dev.burnrate.spec.SpecException e) {
                        throw new ConfigException(e.getMessage());
                    }
                }
                case "dashboardUrl" -> dashboard = scalar(file, t.getValueNode(), p);
                default -> throw new ConfigException(file, line(t.getKeyNode()), p, "unknown key; expected routes, quietHours, minDuration, dashboardUrl");
            }
        }
        return new BurnrateConfig.Alerting(routes, quiet, min, dashboard);
    }

    private static String req(String file, Map<String, String> f, Node at, String path, String key) {
        String v = f.get(key);
        if (v == null || v.isBlank()) throw new ConfigException(file, line(at), path + "." + key, "required");
        return v;
    }

    /** A scalar with ${ENV} references replaced; an unset variable is an error naming it. */
    private static String env(String file, Node n, String path) {
        String v = scalar(file, n, path);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(v);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String val = System.getenv(m.group(1));
            if (val == null) throw new ConfigException(file, line(n), path, "environment variable " + m.group(1) + " is not set");
            m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(val));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static MappingNode mapping(String file, Node n, String path) {
        return BurnrateConfig.mapping(file, n, path);
    }

    private static String scalar(String file, Node n, String path) {
        return BurnrateConfig.scalar(file, n, path);
    }

    private static List<String> strings(String file, Node n, String path) {
        return BurnrateConfig.strings(file, n, path);
    }

    private static int line(Node n) {
        return BurnrateConfig.line(n);
    }
}
