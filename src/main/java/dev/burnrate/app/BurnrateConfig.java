package dev.burnrate.app;

import dev.burnrate.allocation.TagMap;
import dev.burnrate.allocation.TagRule;
import dev.burnrate.ledger.Dimensions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * burnrate.yaml, validated once at start-up and frozen. Unknown keys, bad values and unknown dimensions
 * fail start-up with the file, line and key.
 * <pre>
 * tagMap:
 *   team:
 *     keys: [team, owner_team]      # first present key wins, case-insensitive
 *     normalize: lower              # lower | trim | slug
 *     aliases: {ml-platform: platform}
 *     default: __unallocated__
 * </pre>
 */
public record BurnrateConfig(TagMap tagMap, List<dev.burnrate.budget.Budget> budgets,
                             Map<String, dev.burnrate.alert.Channel> channels, Alerting alerting,
                             List<dev.burnrate.allocation.ShareRule> shareRules, List<dev.burnrate.pricing.InstancePrice> priceOverrides,
                             Governance governance, Hosts hosts, List<dev.burnrate.intake.BillSources.Source> sources,
                             dev.burnrate.anomaly.CostAnomalies.Thresholds anomalies, List<dev.burnrate.slo.Slo> slos,
                             dev.burnrate.recommend.SavingsAlerts.Settings recommendations, dev.burnrate.recommend.SavingsEngine.Settings savings,
                             String state, dev.burnrate.stream.KafkaSettings kafka, Path ledger) {
    private static final Set<String> TOP_LEVEL = Set.of("tagMap", "budgets", "channels", "alerting", "allocation", "prices", "gate", "guard", "policies",
            "server", "actuators", "sources", "anomalies", "slos", "recommendations", "state", "kafka", "ledger");

    /**
     * Which hosts are trusted on the network: {@code server.allowedHosts} may be named in a request's {@code Host} header
     * besides the bound address; {@code actuators.allowedHosts} are the only hosts a gate request's webhook actuator may name
     * (none: no webhook actuators). A leading {@code *.} matches any subdomain.
     * <pre>
     * server:
     *   allowedHosts: [burnrate.acme.internal]
     * actuators:
     *   allowedHosts: [argo.acme.internal, "*.jobs.acme.internal"]
     *   kubernetesNamespaces: {fraud: [fraud-training], "*": [shared-batch]}   # per team; none: no Kubernetes actuator
     * </pre>
     */
    public record Hosts(List<String> server, List<String> actuators, Map<String, List<String>> kubernetesNamespaces) {
        public Hosts {
            server = List.copyOf(server);
            actuators = List.copyOf(actuators);
            kubernetesNamespaces = Map.copyOf(kubernetesNamespaces);
        }

        static Hosts defaults() {
            return new Hosts(List.of(), List.of(), Map.of());
        }
    }

    /** The pre-flight gate, the runtime guard and policy-as-code. */
    public record Governance(dev.burnrate.gate.GateSettings gate, dev.burnrate.guard.GuardSettings guard, List<dev.burnrate.policy.Policy> policies) {
        static Governance defaults() {
            return new Governance(dev.burnrate.gate.GateSettings.defaults(), dev.burnrate.guard.GuardSettings.defaults(), List.of());
        }
    }

    /** How alerts are routed and held: channels per severity, quiet hours (UTC), minimum duration, dashboard link base. */
    public record Alerting(Map<dev.burnrate.alert.Alert.Severity, List<String>> routes, dev.burnrate.alert.Dispatcher.QuietHours quietHours,
                           java.time.Duration minDuration, String dashboardUrl) {
        static Alerting defaults() {
            return new Alerting(Map.of(), null, java.time.Duration.ZERO, null); // links: the address serve listens on
        }
    }
    private static final Set<String> RULE_KEYS = Set.of("keys", "normalize", "aliases", "default");

    public static BurnrateConfig defaults() {
        return new BurnrateConfig(TagMap.defaults(), List.of(), Map.of(), Alerting.defaults(), List.of(), List.of(), Governance.defaults(), Hosts.defaults(), List.of(),
                dev.burnrate.anomaly.CostAnomalies.Thresholds.defaults(), List.of(), dev.burnrate.recommend.SavingsAlerts.Settings.defaults(),
                dev.burnrate.recommend.SavingsEngine.Settings.defaults(), null, null, null);
    }

    /** The same configuration with the shared state at {@code url} (BURNRATE_STATE wins over {@code state:}). */
    public BurnrateConfig withState(String url) {
        return new BurnrateConfig(tagMap, budgets, channels, alerting, shareRules, priceOverrides, governance, hosts, sources, anomalies, slos,
                recommendations, savings, url, kafka, ledger);
    }

    /**
     * The same configuration with the billing rows as Parquet partitions in {@code directory} (BURNRATE_LEDGER wins over
     * {@code ledger:}); null: the rows stay in the ledger file's table.
     */
    public BurnrateConfig withLedger(Path directory) {
        return new BurnrateConfig(tagMap, budgets, channels, alerting, shareRules, priceOverrides, governance, hosts, sources, anomalies, slos,
                recommendations, savings, state, kafka, directory);
    }

    public static BurnrateConfig load(Path file) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) throw new ConfigException(name, 0, "(file)", "no such file");
        Node root;
        try (Reader r = Files.newBufferedReader(file)) {
            root = new Yaml().compose(r);
        } catch (MarkedYAMLException e) {
            throw new ConfigException(name, e.getProblemMark().getLine() + 1, "(syntax)", e.getProblem());
        } catch (IOException e) {
            throw new ConfigException(name, 0, "(file)", "cannot read: " + e.getMessage());
        }
        if (root == null) return defaults();
        MappingNode top = mapping(name, root, "(root)");
        TagMap tagMap = TagMap.defaults();
        List<dev.burnrate.budget.Budget> budgets = new ArrayList<>();
        Map<String, dev.burnrate.alert.Channel> channels = new LinkedHashMap<>();
        Alerting alerting = Alerting.defaults();
        Node budgetNode = null;
        Node sloNode = null;
        List<dev.burnrate.allocation.ShareRule> shareRules = List.of();
        List<dev.burnrate.pricing.InstancePrice> prices = List.of();
        Node alertingNode = null;
        Governance gov = Governance.defaults();
        Hosts hosts = Hosts.defaults();
        List<dev.burnrate.intake.BillSources.Source> sources = List.of();
        dev.burnrate.anomaly.CostAnomalies.Thresholds anomalies = dev.burnrate.anomaly.CostAnomalies.Thresholds.defaults();
        dev.burnrate.recommend.SavingsAlerts.Settings recommendations = dev.burnrate.recommend.SavingsAlerts.Settings.defaults();
        String state = null;
        dev.burnrate.recommend.SavingsEngine.Settings savings = dev.burnrate.recommend.SavingsEngine.Settings.defaults();
        dev.burnrate.stream.KafkaSettings kafka = null;
        Path ledger = null;
        for (NodeTuple t : top.getValue()) {
            String key = scalar(name, t.getKeyNode(), "(root)");
            if (!TOP_LEVEL.contains(key)) {
                throw new ConfigException(name, line(t.getKeyNode()), key, "unknown key; expected one of " + TOP_LEVEL);
            }
            switch (key) {
                case "tagMap" -> tagMap = tagMap(name, t.getValueNode());
                case "channels" -> channels = AlertingConfig.channels(name, t.getValueNode());
                case "budgets" -> budgetNode = t.getValueNode();
                case "slos" -> sloNode = t.getValueNode();
                case "alerting" -> alertingNode = t.getValueNode();
                case "allocation" -> shareRules = shareRules(name, t.getValueNode());
                case "prices" -> prices = prices(name, t.getValueNode());
                case "gate" -> gov = new Governance(spec(() -> dev.burnrate.gate.GateSpecs.gate(name, t.getValueNode())), gov.guard(), gov.policies());
                case "guard" -> gov = new Governance(gov.gate(), spec(() -> dev.burnrate.gate.GateSpecs.guard(name, t.getValueNode())), gov.policies());
                case "policies" -> {
                    Path base = file.toAbsolutePath().getParent();
                    gov = new Governance(gov.gate(), gov.guard(), spec(() -> dev.burnrate.policy.PolicySpecs.parseList(t.getValueNode(), name, base)));
                }
                case "sources" -> sources = sources(name, t.getValueNode(), file.toAbsolutePath().getParent());
                case "anomalies" -> anomalies = anomalies(name, t.getValueNode());
                case "recommendations" -> {
                    recommendations = recommendations(name, t.getValueNode());
                    savings = savings(name, t.getValueNode());
                }
                case "state" -> {
                    state = scalar(name, t.getValueNode(), "state");
                    if (!state.startsWith("postgresql://") && !state.startsWith("jdbc:postgresql://")) {
                        throw new ConfigException(name, line(t.getValueNode()), "state", "'" + dev.burnrate.store.PgState.redact(state)
                                + "' is not a postgresql://user:password@host:port/database URL");
                    }
                }
                case "kafka" -> kafka = kafka(name, t.getValueNode());
                case "ledger" -> {
                    // a directory every replica mounts at the same path; relative to the config file's folder
                    String v = scalar(name, t.getValueNode(), "ledger");
                    if (v.isBlank() || v.contains("://")) {
                        throw new ConfigException(name, line(t.getValueNode()), "ledger", "'" + v + "' is not a directory path (the ledger's "
                                + "Parquet partitions live in a directory that every replica mounts)");
                    }
                    ledger = file.toAbsolutePath().getParent().resolve(v).normalize();
                }
                case "server" -> hosts = new Hosts(hostList(name, t.getValueNode(), "server"), hosts.actuators(), hosts.kubernetesNamespaces());
                case "actuators" -> hosts = new Hosts(hosts.server(), hostList(name, t.getValueNode(), "actuators"),
                        namespaces(name, t.getValueNode()));
                default -> throw new IllegalStateException(key);
            }
        }
        if (alertingNode != null) alerting = AlertingConfig.alerting(name, alertingNode, channels.keySet());
        if (budgetNode != null) {
            if (!(budgetNode instanceof SequenceNode seq)) throw new ConfigException(name, line(budgetNode), "budgets", "expected a list of budgets");
            java.util.Set<String> ids = new java.util.HashSet<>();
            int i = 0;
            for (Node item : seq.getValue()) {
                dev.burnrate.budget.Budget b;
                try {
                    b = dev.burnrate.budget.BudgetSpecs.parse(item, name, "budgets[" + i++ + "]");
                } catch (dev.burnrate.spec.SpecException e) {
                    throw new ConfigException(e.getMessage());
                }
                if (!ids.add(b.id())) throw new ConfigException(name, line(item), "budgets[" + b.id() + "]", "id declared twice");
                for (String ch : b.channels()) {
                    if (!channels.containsKey(ch)) {
                        throw new ConfigException(name, line(item), "budgets[" + b.id() + "].channels", "no channel named '" + ch + "' under channels:");
                    }
                }
                budgets.add(b);
            }
        }
        List<dev.burnrate.slo.Slo> slos = sloNode == null ? List.of() : slos(name, sloNode, channels.keySet());
        return new BurnrateConfig(tagMap, List.copyOf(budgets), Map.copyOf(channels), alerting, shareRules, prices, gov, hosts, sources, anomalies, slos, recommendations,
                savings, state, kafka, ledger);
    }

    /**
     * Telemetry through Kafka; present, {@code burnrate serve} consumes the topics (nothing connects to Kafka otherwise):
     * <pre>
     * kafka:
     *   bootstrapServers: [kafka-1.internal:9092, kafka-2.internal:9092]   # or one "host:port,host:port" value
     *   groupId: burnrate                     # replicas with the same group share the heartbeats' partitions (default burnrate)
     *   replica: burnrate-0                   # this replica, stable across restarts (default: BURNRATE_REPLICA, else the host
     *                                         # name); it reads every GPU sample and usage record in group groupId.replica
     *   topics:                               # each optional, these are the defaults
     *     gpuSamples: burnrate.gpu-samples
     *     inferenceUsage: burnrate.inference-usage
     *     heartbeats: burnrate.heartbeats
     *     jobRuns: burnrate.job-runs          # job runs posted over HTTP go here, and every replica stores them
     *     instanceSamples: burnrate.instance-samples   # CPU/memory samples (CSV with its header, one batch a record)
     *   deadLetterTopic: burnrate.dead-letter # optional: rejected records are copied here with their position and reason
     *   properties: {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512}   # Kafka client properties, as they are
     * </pre>
     */
    private static dev.burnrate.stream.KafkaSettings kafka(String file, Node node) {
        Map<String, Node> f = spec(() -> dev.burnrate.spec.Nodes.fields(file, node, "kafka",
                Set.of("bootstrapServers", "groupId", "replica", "topics", "deadLetterTopic", "properties")));
        if (!f.containsKey("bootstrapServers")) throw new ConfigException(file, line(node), "kafka.bootstrapServers", "required (host:port of one or more brokers)");
        List<String> servers = new ArrayList<>();
        for (String v : strings(file, f.get("bootstrapServers"), "kafka.bootstrapServers")) {
            for (String one : v.split(",")) {
                if (one.isBlank()) continue;
                check(file, f.get("bootstrapServers"), "kafka.bootstrapServers", () -> dev.burnrate.stream.KafkaSettings.checkServer(one.strip()));
                servers.add(one.strip());
            }
        }
        if (servers.isEmpty()) throw new ConfigException(file, line(f.get("bootstrapServers")), "kafka.bootstrapServers", "required (host:port of one or more brokers)");
        String group = dev.burnrate.stream.KafkaSettings.DEFAULT_GROUP;
        if (f.containsKey("groupId")) {
            group = scalar(file, f.get("groupId"), "kafka.groupId").strip();
            if (group.isEmpty()) throw new ConfigException(file, line(f.get("groupId")), "kafka.groupId", "must not be blank");
        }
        String replica = dev.burnrate.stream.KafkaSettings.defaultReplica(System.getenv());
        if (f.containsKey("replica")) {
            String v = scalar(file, f.get("replica"), "kafka.replica").strip();
            check(file, f.get("replica"), "kafka.replica", () -> dev.burnrate.stream.KafkaSettings.checkReplica(v));
            replica = v;
        }
        dev.burnrate.stream.KafkaSettings.Topics topics = dev.burnrate.stream.KafkaSettings.Topics.defaults();
        if (f.containsKey("topics")) {
            Map<String, Node> t = spec(() -> dev.burnrate.spec.Nodes.fields(file, f.get("topics"), "kafka.topics", Set.of("gpuSamples", "inferenceUsage", "heartbeats", "jobRuns", "instanceSamples")));
            java.util.function.BiFunction<String, String, String> topic = (k, d) -> {
                if (!t.containsKey(k)) return d;
                String v = scalar(file, t.get(k), "kafka.topics." + k).strip();
                check(file, t.get(k), "kafka.topics." + k, () -> dev.burnrate.stream.KafkaSettings.checkTopic(v));
                return v;
            };
            topics = new dev.burnrate.stream.KafkaSettings.Topics(topic.apply("gpuSamples", topics.gpuSamples()),
                    topic.apply("inferenceUsage", topics.inferenceUsage()), topic.apply("heartbeats", topics.heartbeats()),
                    topic.apply("jobRuns", topics.jobRuns()), topic.apply("instanceSamples", topics.instanceSamples()));
        }
        String dead = null;
        if (f.containsKey("deadLetterTopic")) {
            String v = scalar(file, f.get("deadLetterTopic"), "kafka.deadLetterTopic").strip();
            check(file, f.get("deadLetterTopic"), "kafka.deadLetterTopic", () -> dev.burnrate.stream.KafkaSettings.checkTopic(v));
            dead = v;
        }
        Map<String, String> props = new LinkedHashMap<>();
        if (f.containsKey("properties")) {
            for (NodeTuple p : mapping(file, f.get("properties"), "kafka.properties").getValue()) {
                String k = scalar(file, p.getKeyNode(), "kafka.properties");
                check(file, p.getKeyNode(), "kafka.properties." + k, () -> dev.burnrate.stream.KafkaSettings.checkProperty(k));
                props.put(k, scalar(file, p.getValueNode(), "kafka.properties." + k));
            }
        }
        try {
            return new dev.burnrate.stream.KafkaSettings(servers, group, replica, topics, dead, props);
        } catch (IllegalArgumentException e) { // topics repeated, the dead-letter topic one of them
            String key = e.getMessage().startsWith("deadLetterTopic") ? "deadLetterTopic" : e.getMessage().startsWith("properties") ? "properties" : "topics";
            throw new ConfigException(file, line(f.containsKey(key) ? f.get(key) : node), "kafka." + key, e.getMessage());
        }
    }

    private static void check(String file, Node node, String path, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, line(node), path, e.getMessage());
        }
    }

    /** {@code slos:} a list of SLOs (see {@link dev.burnrate.slo.SloSpecs}); ids unique, channels declared under {@code channels:}. */
    private static List<dev.burnrate.slo.Slo> slos(String name, Node node, Set<String> channels) {
        if (!(node instanceof SequenceNode seq)) throw new ConfigException(name, line(node), "slos", "expected a list of SLOs");
        List<dev.burnrate.slo.Slo> out = new ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        for (Node item : seq.getValue()) {
            String path = "slos[" + out.size() + "]";
            dev.burnrate.slo.Slo slo = spec(() -> dev.burnrate.slo.SloSpecs.parse(item, name, path));
            if (!ids.add(slo.id())) throw new ConfigException(name, line(item), "slos[" + slo.id() + "]", "id declared twice");
            for (String ch : slo.channels()) {
                if (!channels.contains(ch)) throw new ConfigException(name, line(item), "slos[" + slo.id() + "].channels", "no channel named '" + ch + "' under channels:");
            }
            out.add(slo);
        }
        return List.copyOf(out);
    }

    /**
     * Savings recommendations worth a ticket, and the price ratios storage tiering rests on:
     * <pre>
     * recommendations:
     *   alertAbove: 500     # a new open recommendation saving more than this a month (in its own currency) raises a ticket alert
     *   infrequentAccess:   # per provider: infrequent-access price / standard price of object storage, and where it comes from
     *     Azure: {ratio: 0.55, source: "Blob Hot 0.018 / Cool 0.0099 USD per GB-month, our price sheet 2026"}
     *   workingHours: {days: Mon-Fri, from: "08:00", to: "20:00", zone: Europe/Berlin}   # off-hours scheduling (these are the defaults, zone UTC)
     * </pre>
     */
    private static dev.burnrate.recommend.SavingsAlerts.Settings recommendations(String file, Node node) {
        MappingNode m = mapping(file, node, "recommendations");
        java.math.BigDecimal above = dev.burnrate.recommend.SavingsAlerts.Settings.defaults().alertAbove();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(file, t.getKeyNode(), "recommendations");
            String path = "recommendations." + key;
            if (key.equals("infrequentAccess") || key.equals("workingHours")) continue; // see savings
            if (!key.equals("alertAbove")) throw new ConfigException(file, line(t.getKeyNode()), path, "unknown key; expected alertAbove, infrequentAccess or workingHours");
            above = nonNegative(file, t.getValueNode(), path, scalar(file, t.getValueNode(), path));
        }
        return new dev.burnrate.recommend.SavingsAlerts.Settings(above);
    }

    /**
     * {@code recommendations.infrequentAccess}: a provider's ratio (above 0, below 1) and its source replace the bundled one
     * (or give one where there is none); {@code recommendations.workingHours}: when people work (days, from, to, zone; each
     * key optional, the defaults Mon-Fri 08:00-20:00 UTC), outside of which non-production capacity is scheduled off.
     */
    private static dev.burnrate.recommend.SavingsEngine.Settings savings(String file, Node node) {
        dev.burnrate.recommend.SavingsEngine.Settings d = dev.burnrate.recommend.SavingsEngine.Settings.defaults();
        List<dev.burnrate.recommend.StorageTier> tiers = new ArrayList<>(d.storageTiers());
        dev.burnrate.recommend.WorkingHours hours = d.workingHours();
        for (NodeTuple t : mapping(file, node, "recommendations").getValue()) {
            if (scalar(file, t.getKeyNode(), "recommendations").equals("workingHours")) {
                hours = workingHours(file, t.getValueNode(), hours);
                continue;
            }
            if (!scalar(file, t.getKeyNode(), "recommendations").equals("infrequentAccess")) continue;
            for (NodeTuple p : mapping(file, t.getValueNode(), "recommendations.infrequentAccess").getValue()) {
                String provider = scalar(file, p.getKeyNode(), "recommendations.infrequentAccess");
                String path = "recommendations.infrequentAccess." + provider;
                int i = -1;
                for (int k = 0; k < tiers.size(); k++) if (dev.burnrate.pricing.Providers.same(tiers.get(k).provider(), provider)) i = k;
                if (i < 0) {
                    throw new ConfigException(file, line(p.getKeyNode()), path, "no object storage class known for this provider; expected one of "
                            + tiers.stream().map(dev.burnrate.recommend.StorageTier::provider).toList());
                }
                java.math.BigDecimal ratio = null;
                String source = null;
                for (NodeTuple f : mapping(file, p.getValueNode(), path).getValue()) {
                    String key = scalar(file, f.getKeyNode(), path);
                    String raw = scalar(file, f.getValueNode(), path + "." + key);
                    switch (key) {
                        case "ratio" -> {
                            ratio = nonNegative(file, f.getValueNode(), path + ".ratio", raw);
                            if (ratio.signum() == 0 || ratio.compareTo(java.math.BigDecimal.ONE) >= 0) {
                                throw new ConfigException(file, line(f.getValueNode()), path + ".ratio", "'" + raw
                                        + "' must be above 0 and below 1 (the infrequent-access price as a share of the standard one)");
                            }
                        }
                        case "source" -> {
                            if (raw.isBlank()) throw new ConfigException(file, line(f.getValueNode()), path + ".source", "must say where the ratio comes from");
                            source = raw.strip();
                        }
                        default -> throw new ConfigException(file, line(f.getKeyNode()), path + "." + key, "unknown key; expected ratio and source");
                    }
                }
                if (ratio == null || source == null) {
                    throw new ConfigException(file, line(p.getKeyNode()), path, "needs both ratio (infrequent-access / standard price) and source (where it comes from)");
                }
                tiers.set(i, tiers.get(i).withRatio(ratio, source + " (burnrate.yaml)"));
            }
        }
        return d.withStorageTiers(tiers).withWorkingHours(hours);
    }

    private static dev.burnrate.recommend.WorkingHours workingHours(String file, Node node, dev.burnrate.recommend.WorkingHours d) {
        String path = "recommendations.workingHours";
        java.util.Set<java.time.DayOfWeek> days = d.days();
        java.time.LocalTime from = d.from();
        java.time.LocalTime to = d.to();
        java.time.ZoneId zone = d.zone();
        for (NodeTuple f : mapping(file, node, path).getValue()) {
            String key = scalar(file, f.getKeyNode(), path);
            String raw = scalar(file, f.getValueNode(), path + "." + key);
            try {
                switch (key) {
                    case "days" -> days = dev.burnrate.recommend.WorkingHours.parseDays(raw);
                    case "from" -> from = dev.burnrate.recommend.WorkingHours.parseTime(raw);
                    case "to" -> to = dev.burnrate.recommend.WorkingHours.parseTime(raw);
                    case "zone" -> zone = dev.burnrate.recommend.WorkingHours.parseZone(raw);
                    default -> throw new ConfigException(file, line(f.getKeyNode()), path + "." + key, "unknown key; expected days, from, to and zone");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, line(f.getValueNode()), path + "." + key, e.getMessage());
            }
        }
        try {
            return new dev.burnrate.recommend.WorkingHours(days, from, to, zone);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, line(node), path, e.getMessage());
        }
    }

    /**
     * When a flagged day of spend is worth an anomaly:
     * <pre>
     * anomalies:
     *   minImpact: 100      # dollars (in the series' currency) above the expected day, or hour (hourly scans)
     *   minPercent: 20      # change against the expected day, in percent
     *   decreases: false    # true: drops in spend are anomalies too (by default only rises are)
     * </pre>
     */
    private static dev.burnrate.anomaly.CostAnomalies.Thresholds anomalies(String file, Node node) {
        MappingNode m = mapping(file, node, "anomalies");
        dev.burnrate.anomaly.CostAnomalies.Thresholds d = dev.burnrate.anomaly.CostAnomalies.Thresholds.defaults();
        java.math.BigDecimal impact = d.minImpact();
        java.math.BigDecimal percent = d.minPercent();
        boolean decreases = d.decreases();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(file, t.getKeyNode(), "anomalies");
            String path = "anomalies." + key;
            String raw = scalar(file, t.getValueNode(), path);
            switch (key) {
                case "minImpact" -> impact = nonNegative(file, t.getValueNode(), path, raw);
                case "minPercent" -> percent = nonNegative(file, t.getValueNode(), path, raw);
                case "decreases" -> {
                    if (!raw.strip().equals("true") && !raw.strip().equals("false")) {
                        throw new ConfigException(file, line(t.getValueNode()), path, "'" + raw + "' is not true or false");
                    }
                    decreases = Boolean.parseBoolean(raw.strip());
                }
                default -> throw new ConfigException(file, line(t.getKeyNode()), path, "unknown key; expected minImpact, minPercent or decreases");
            }
        }
        return new dev.burnrate.anomaly.CostAnomalies.Thresholds(impact, percent, decreases);
    }

    private static java.math.BigDecimal nonNegative(String file, Node node, String path, String raw) {
        java.math.BigDecimal v;
        try {
            v = new java.math.BigDecimal(raw.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(file, line(node), path, "'" + raw + "' is not a number");
        }
        if (v.signum() < 0) throw new ConfigException(file, line(node), path, "'" + raw + "' must not be negative");
        return v;
    }

    /** {@code <section>: {allowedHosts: [host, *.domain]}}: host names only (no scheme, port or path). */
    /**
     * Billing exports the server imports while it serves:
     * <pre>
     * sources:
     *   - {name: drop, type: folder, path: /data/exports, every: 5m, staleAfter: 36h}
     *   - {name: aws, type: s3, bucket: billing, prefix: focus/acme, region: us-east-1, every: 1h}
     *   - {name: lab, type: s3, bucket: b, region: us-east-1, endpoint: "http://127.0.0.1:9000", pathStyle: true}
     * </pre>
     * {@code every} defaults to 5m; {@code staleAfter} (nothing new for longer raises an alert) to 36h; a relative path is
     * relative to burnrate.yaml. An S3 source's credentials come from the AWS SDK's default chain (environment, profile,
     * instance or pod role), never from this file; {@code endpoint} (an S3-compatible server) is the only address it calls
     * besides AWS's own.
     */
    private static List<dev.burnrate.intake.BillSources.Source> sources(String file, Node node, Path base) {
        List<dev.burnrate.intake.BillSources.Source> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        int i = 0;
        for (Node item : dev.burnrate.spec.Nodes.sequence(file, node, "sources").getValue()) {
            String p = "sources[" + i++ + "]";
            try {
                Map<String, Node> f = dev.burnrate.spec.Nodes.fields(file, item, p,
                        Set.of("name", "type", "path", "every", "staleAfter", "bucket", "prefix", "region", "endpoint", "pathStyle"));
                if (!f.containsKey("name")) throw new ConfigException(file, line(item), p, "needs a name");
                String n = scalar(file, f.get("name"), p + ".name");
                if (!names.add(n)) throw new ConfigException(file, line(item), p + ".name", "'" + n + "' is declared twice");
                String type = f.containsKey("type") ? scalar(file, f.get("type"), p + ".type") : "folder";
                java.util.function.Function<String, String> text = k -> f.containsKey(k) ? scalar(file, f.get(k), p + "." + k) : null;
                dev.burnrate.intake.BillSources.Location location = switch (type) {
                    case "folder" -> {
                        only(file, item, p, f, type, Set.of("name", "type", "path", "every", "staleAfter"));
                        if (!f.containsKey("path")) throw new ConfigException(file, line(item), p, "a folder source needs a path");
                        Path path = Path.of(text.apply("path"));
                        if (!path.isAbsolute() && base != null) path = base.resolve(path);
                        yield new dev.burnrate.intake.BillSources.Folder(path);
                    }
                    case "s3" -> {
                        only(file, item, p, f, type, Set.of("name", "type", "bucket", "prefix", "region", "endpoint", "pathStyle", "every", "staleAfter"));
                        if (!f.containsKey("bucket") || !f.containsKey("region")) throw new ConfigException(file, line(item), p, "an s3 source needs a bucket and a region");
                        java.net.URI endpoint = null;
                        if (f.containsKey("endpoint")) {
                            String e = text.apply("endpoint");
                            try {
                                endpoint = new java.net.URI(e);
                            } catch (java.net.URISyntaxException ex) {
                                throw new ConfigException(file, line(f.get("endpoint")), p + ".endpoint", "'" + e + "' is not a URL");
                            }
                            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
                                throw new ConfigException(file, line(f.get("endpoint")), p + ".endpoint", "'" + e + "': expected an http or https URL");
                            }
                        }
                        String pathStyle = f.containsKey("pathStyle") ? text.apply("pathStyle") : "false";
                        if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
                            throw new ConfigException(file, line(f.get("pathStyle")), p + ".pathStyle", "'" + pathStyle + "': expected true or false");
                        }
                        String prefix = f.containsKey("prefix") ? text.apply("prefix") : "";
                        yield new dev.burnrate.intake.BillSources.S3(new dev.burnrate.intake.S3Store.Location(text.apply("bucket"),
                                prefix.startsWith("/") ? prefix.substring(1) : prefix, text.apply("region"), endpoint, Boolean.parseBoolean(pathStyle)));
                    }
                    default -> throw new ConfigException(file, line(f.get("type")), p + ".type", "'" + type + "' is not a source type; expected folder or s3");
                };
                java.time.Duration every = f.containsKey("every") ? dev.burnrate.spec.Nodes.duration(file, f.get("every"), p + ".every") : java.time.Duration.ofMinutes(5);
                java.time.Duration stale = f.containsKey("staleAfter") ? dev.burnrate.spec.Nodes.duration(file, f.get("staleAfter"), p + ".staleAfter")
                        : java.time.Duration.ofHours(36);
                out.add(new dev.burnrate.intake.BillSources.Source(n, location, every, stale));
            } catch (dev.burnrate.spec.SpecException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static void only(String file, Node item, String p, Map<String, Node> f, String type, Set<String> allowed) {
        for (String k : f.keySet()) {
            if (!allowed.contains(k)) throw new ConfigException(file, line(f.get(k)), p + "." + k, "not a setting of a " + type + " source; expected one of " + new java.util.TreeSet<>(allowed));
        }
    }

    /** actuators.kubernetesNamespaces: team (or "*") → namespaces its requests' Kubernetes actuators may name. */
    private static Map<String, List<String>> namespaces(String file, Node node) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping(file, node, "actuators").getValue()) {
            if (!scalar(file, t.getKeyNode(), "actuators").equals("kubernetesNamespaces")) continue;
            for (NodeTuple team : mapping(file, t.getValueNode(), "actuators.kubernetesNamespaces").getValue()) {
                String k = scalar(file, team.getKeyNode(), "actuators.kubernetesNamespaces");
                List<String> ns = strings(file, team.getValueNode(), "actuators.kubernetesNamespaces." + k);
                for (String n : ns) {
                    if (!n.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                        throw new ConfigException(file, line(team.getValueNode()), "actuators.kubernetesNamespaces." + k, "'" + n + "' is not a Kubernetes namespace name");
                    }
                }
                out.put(k, ns);
            }
        }
        return out;
    }

    private static List<String> hostList(String file, Node node, String section) {
        List<String> out = new ArrayList<>();
        for (NodeTuple t : mapping(file, node, section).getValue()) {
            String k = scalar(file, t.getKeyNode(), section);
            if (section.equals("actuators") && k.equals("kubernetesNamespaces")) continue;
            if (!k.equals("allowedHosts")) throw new ConfigException(file, line(t.getKeyNode()), section + "." + k, "unknown key; expected allowedHosts"
                    + (section.equals("actuators") ? " or kubernetesNamespaces" : ""));
            for (String h : strings(file, t.getValueNode(), section + ".allowedHosts")) {
                if (!h.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]")) {
                    throw new ConfigException(file, line(t.getValueNode()), section + ".allowedHosts",
                            "'" + h + "' is not a host name (no scheme, port or path; '*.' may lead)");
                }
                out.add(h.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(out);
    }

    /**
     * <pre>
     * allocation:
     *   shared:
     *     - name: gpu-pool
     *       match: {SubAccountName: shared-gpu-pool}     # every field must match; a list gives alternatives
     *       split: proportional                          # even | proportional | fixed
     *     - name: data-platform
     *       match: {team: data-platform}
     *       split: fixed
     *       weights: {fraud: 2, search: 1}
     * </pre>
     */
    private static List<dev.burnrate.allocation.ShareRule> shareRules(String file, Node node) {
        List<dev.burnrate.allocation.ShareRule> out = new ArrayList<>();
        for (NodeTuple t : mapping(file, node, "allocation").getValue()) {
            String k = scalar(file, t.getKeyNode(), "allocation");
            if (!k.equals("shared")) throw new ConfigException(file, line(t.getKeyNode()), "allocation." + k, "unknown key; expected shared");
            if (!(t.getValueNode() instanceof SequenceNode seq)) throw new ConfigException(file, line(t.getValueNode()), "allocation.shared", "expected a list of rules");
            int i = 0;
            for (Node item : seq.getValue()) {
                String p = "allocation.shared[" + i++ + "]";
                String rname = null;
                Map<dev.burnrate.ledger.Field, List<String>> match = new LinkedHashMap<>();
                dev.burnrate.allocation.ShareRule.Split split = dev.burnrate.allocation.ShareRule.Split.PROPORTIONAL;
                Map<String, java.math.BigDecimal> weights = new LinkedHashMap<>();
                String metric = null;
                for (NodeTuple f : mapping(file, item, p).getValue()) {
                    String fk = scalar(file, f.getKeyNode(), p);
                    switch (fk) {
                        case "name" -> rname = scalar(file, f.getValueNode(), p + ".name");
                        case "match" -> {
                            for (NodeTuple m : mapping(file, f.getValueNode(), p + ".match").getValue()) {
                                String field = scalar(file, m.getKeyNode(), p + ".match");
                                dev.burnrate.ledger.Field fld = dev.burnrate.ledger.Field.parse(field).orElseThrow(() -> new ConfigException(file,
                                        line(m.getKeyNode()), p + ".match." + field, "unknown dimension or column; expected " + dev.burnrate.ledger.Field.accepted()));
                                match.put(fld, strings(file, m.getValueNode(), p + ".match." + field));
                            }
                        }
                        case "split" -> {
                            String v = scalar(file, f.getValueNode(), p + ".split");
                            try {
                                split = dev.burnrate.allocation.ShareRule.Split.valueOf(v.toUpperCase(Locale.ROOT));
                            } catch (IllegalArgumentException e) {
                                throw new ConfigException(file, line(f.getValueNode()), p + ".split", "'" + v + "' is not one of even, proportional, fixed, by_metric");
                            }
                        }
                        case "weights" -> {
                            for (NodeTuple w : mapping(file, f.getValueNode(), p + ".weights").getValue()) {
                                String o = scalar(file, w.getKeyNode(), p + ".weights");
                                String v = scalar(file, w.getValueNode(), p + ".weights." + o);
                                try {
                                    weights.put(o, new java.math.BigDecimal(v));
                                } catch (NumberFormatException e) {
                                    throw new ConfigException(file, line(w.getValueNode()), p + ".weights." + o, "'" + v + "' is not a number");
                                }
                            }
                        }
                        case "metric" -> metric = scalar(file, f.getValueNode(), p + ".metric");
                        default -> throw new ConfigException(file, line(f.getKeyNode()), p + "." + fk, "unknown key; expected name, match, split, weights, metric");
                    }
                }
                if (rname == null) throw new ConfigException(file, line(item), p + ".name", "required");
                try {
                    out.add(new dev.burnrate.allocation.ShareRule(rname, match, split, weights, metric));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(file, line(item), p, e.getMessage());
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * <pre>
     * prices:
     *   - {provider: AWS, instanceType: p5.48xlarge, region: us-east-1, onDemand: 48.50, spot: 21.00, source: "EDP rate card 2026"}
     * </pre>
     */
    private static List<dev.burnrate.pricing.InstancePrice> prices(String file, Node node) {
        if (!(node instanceof SequenceNode seq)) throw new ConfigException(file, line(node), "prices", "expected a list of prices");
        List<dev.burnrate.pricing.InstancePrice> out = new ArrayList<>();
        int i = 0;
        for (Node item : seq.getValue()) {
            String p = "prices[" + i++ + "]";
            Map<String, String> f = new LinkedHashMap<>();
            for (NodeTuple t : mapping(file, item, p).getValue()) {
                String k = scalar(file, t.getKeyNode(), p);
                if (!Set.of("provider", "instanceType", "region", "onDemand", "spot", "commit1y", "commit3y", "gpu", "gpus", "source", "asOf").contains(k)) {
                    throw new ConfigException(file, line(t.getKeyNode()), p + "." + k, "unknown key; expected provider, instanceType, region, onDemand, spot, commit1y, commit3y, gpu, gpus, source, asOf");
                }
                f.put(k, scalar(file, t.getValueNode(), p + "." + k));
            }
            for (String req : List.of("provider", "instanceType", "region", "onDemand")) {
                if (!f.containsKey(req)) throw new ConfigException(file, line(item), p + "." + req, "required");
            }
            try {
                out.add(new dev.burnrate.pricing.InstancePrice(f.get("provider"), f.get("instanceType"), f.get("region"), f.get("gpu"),
                        Integer.parseInt(f.getOrDefault("gpus", "0")), new java.math.BigDecimal(f.get("onDemand")),
                        f.containsKey("spot") ? new java.math.BigDecimal(f.get("spot")) : null,
                        f.containsKey("commit1y") ? new java.math.BigDecimal(f.get("commit1y")) : null,
                        f.containsKey("commit3y") ? new java.math.BigDecimal(f.get("commit3y")) : null,
                        f.getOrDefault("source", "burnrate.yaml override"), f.getOrDefault("asOf", "")));
            } catch (NumberFormatException e) {
                throw new ConfigException(file, line(item), p, "a price or gpus is not a number: " + f);
            }
        }
        return List.copyOf(out);
    }

    private static TagMap tagMap(String file, Node node) {
        Map<String, TagRule> rules = new LinkedHashMap<>(TagMap.defaults().rules());
        for (NodeTuple t : mapping(file, node, "tagMap").getValue()) {
            String dim = scalar(file, t.getKeyNode(), "tagMap");
            String path = "tagMap." + dim;
            if (Dimensions.find(dim).isEmpty()) {
                throw new ConfigException(file, line(t.getKeyNode()), path, "unknown dimension; expected one of " + Dimensions.STANDARD);
            }
            List<String> keys = List.of(dim);
            TagRule.Normalize normalize = TagRule.Normalize.LOWER;
            Map<String, String> aliases = Map.of();
            String def = dev.burnrate.ledger.Buckets.UNALLOCATED;
            for (NodeTuple f : mapping(file, t.getValueNode(), path).getValue()) {
                String k = scalar(file, f.getKeyNode(), path);
                String kp = path + "." + k;
                switch (k) {
                    case "keys" -> {
                        keys = strings(file, f.getValueNode(), kp);
                        if (keys.isEmpty()) throw new ConfigException(file, line(f.getValueNode()), kp, "needs at least one tag key");
                    }
                    case "normalize" -> {
                        String v = scalar(file, f.getValueNode(), kp);
                        try {
                            normalize = TagRule.Normalize.valueOf(v.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            throw new ConfigException(file, line(f.getValueNode()), kp, "'" + v + "' is not one of lower, trim, slug");
                        }
                    }
                    case "aliases" -> {
                        Map<String, String> a = new LinkedHashMap<>();
                        for (NodeTuple at : mapping(file, f.getValueNode(), kp).getValue()) {
                            a.put(scalar(file, at.getKeyNode(), kp), scalar(file, at.getValueNode(), kp));
                        }
                        aliases = a;
                    }
                    case "default" -> def = scalar(file, f.getValueNode(), kp);
                    default -> throw new ConfigException(file, line(f.getKeyNode()), kp, "unknown key; expected one of " + RULE_KEYS);
                }
            }
            rules.put(dim, new TagRule(dim, keys, normalize, aliases, def));
        }
        return new TagMap(rules);
    }

    /** YAML node helpers shared by the config readers: each failure names file, line and key. */
    private static <T> T spec(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (dev.burnrate.spec.SpecException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    static MappingNode mapping(String file, Node n, String path) {
        if (n instanceof MappingNode m) return m;
        throw new ConfigException(file, line(n), path, "expected a mapping (key: value)");
    }

    static String scalar(String file, Node n, String path) {
        if (n instanceof ScalarNode s) return s.getValue();
        throw new ConfigException(file, line(n), path, "expected a single value");
    }

    static List<String> strings(String file, Node n, String path) {
        if (n instanceof ScalarNode s) return List.of(s.getValue());
        if (!(n instanceof SequenceNode seq)) throw new ConfigException(file, line(n), path, "expected a list of values");
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) out.add(scalar(file, item, path));
        return out;
    }

    static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }
}
