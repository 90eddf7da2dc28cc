package dev.burnrate.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * How the files of a billing source make deliveries: the sets of part files that are imported together, so a billing
 * period split over several parts is replaced as a whole and never from half a delivery.
 * <ul>
 *   <li><b>With a manifest</b> (the providers' own statement of what a delivery holds, written after its data files):
 *       AWS Data Exports ({@code <prefix>/<export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json}, its
 *       {@code dataFiles} as {@code s3://} URIs), the legacy Cost and Usage Report ({@code -Manifest.json} with
 *       {@code reportKeys}), and Azure Cost Management exports ({@code <export>/<YYYYMMDD-YYYYMMDD>/<run>/manifest.json}
 *       with {@code blobs[].blobName}). A new or changed manifest is a delivery of exactly the files it lists, taken
 *       once all of them are there; of several new manifests for one billing period only the newest counts (older runs
 *       are superseded). Data files a manifest governs are never imported without it.</li>
 *   <li><b>Without one</b>: the new or changed export files of one folder are one delivery.</li>
 * </ul>
 */
public final class ExportLayout {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a manifest's bytes. */
    @FunctionalInterface
    public interface Reader {
        byte[] read(ExportStore.Entry entry) throws IOException;
    }

    /** Files imported together; {@code manifest} is null for a folder's files. */
    public record Delivery(ExportStore.Entry manifest, List<ExportStore.Entry> files) {
        public String describe() {
            return manifest != null ? manifest.key() : folder(files.get(0).key()).isEmpty() ? "." : folder(files.get(0).key()) + "/";
        }
    }

    /**
     * What to do now.
     *
     * @param deliveries what to import, in order
     * @param superseded new manifests a newer one of the same billing period replaces: handled without importing
     * @param waiting    a manifest whose files are not all there yet, with what is missing; or one that cannot be read
     */
    public record Plan(List<Delivery> deliveries, List<ExportStore.Entry> superseded, Map<ExportStore.Entry, String> waiting) {
    }

    private ExportLayout() {
    }

    /**
     * @param all     every file of the source
     * @param fresh   the files that are new or changed since they were last handled
     * @param settled the files that are not being written any more (a folder's: the same at two polls in a row)
     */
    public static Plan plan(List<ExportStore.Entry> all, Predicate<ExportStore.Entry> fresh, Predicate<ExportStore.Entry> settled, Reader reader) {
        Map<ExportStore.Entry, List<ExportStore.Entry>> resolved = new LinkedHashMap<>();
        Map<ExportStore.Entry, String> waiting = new LinkedHashMap<>();
        Set<String> governed = new HashSet<>();
        Set<String> manifestRoots = new HashSet<>();
        for (ExportStore.Entry m : all) {
            if (!isManifest(m.key())) continue;
            List<String> listed;
            try {
                listed = listedFiles(reader.read(m));
            } catch (IOException | RuntimeException ex) {
                if (fresh.test(m) && settled.test(m)) waiting.put(m, "cannot read the manifest: " + ex.getMessage());
                manifestRoots.add(exportRoot(m.key()));
                continue;
            }
            if (listed == null) continue; // some other JSON file
            manifestRoots.add(exportRoot(m.key()));
            List<ExportStore.Entry> files = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String ref : listed) {
                ExportStore.Entry match = all.stream().filter(f -> refersTo(ref, f.key())).findFirst().orElse(null);
                if (match == null) missing.add(ref);
                else {
                    files.add(match);
                    governed.add(match.key());
                }
            }
            if (!fresh.test(m)) continue;
            if (!missing.isEmpty()) waiting.put(m, "listed but not there (yet): " + String.join(", ", missing));
            else if (settled.test(m) && files.stream().allMatch(settled)) resolved.put(m, files);
        }
        List<Delivery> deliveries = new ArrayList<>();
        List<ExportStore.Entry> superseded = new ArrayList<>();
        Map<String, List<ExportStore.Entry>> byPartition = new TreeMap<>();
        for (ExportStore.Entry m : resolved.keySet()) byPartition.computeIfAbsent(partition(m.key()), k -> new ArrayList<>()).add(m);
        for (List<ExportStore.Entry> ms : byPartition.values()) {
            ms.sort(Comparator.comparing(ExportStore.Entry::modified).thenComparing(ExportStore.Entry::key));
            ExportStore.Entry newest = ms.get(ms.size() - 1);
            superseded.addAll(ms.subList(0, ms.size() - 1));
            deliveries.add(new Delivery(newest, resolved.get(newest)));
        }
        Map<String, List<ExportStore.Entry>> byFolder = new TreeMap<>();
        for (ExportStore.Entry e : all) {
            if (!isExportFile(e.key()) || governed.contains(e.key()) || !fresh.test(e) || !settled.test(e)) continue;
            if (awaitsManifest(e.key(), manifestRoots)) continue;
            byFolder.computeIfAbsent(folder(e.key()), k -> new ArrayList<>()).add(e);
        }
        for (List<ExportStore.Entry> files : byFolder.values()) deliveries.add(new Delivery(null, List.copyOf(files)));
        return new Plan(List.copyOf(deliveries), List.copyOf(superseded), waiting);
    }

    /**
     * A data file the providers deliver before their manifest: under an AWS export's data/ folder beside a metadata/
     * folder, or in an Azure run folder ({@code <YYYYMMDD-YYYYMMDD>/<run>/}).
     */
    static boolean awaitsManifest(String key, Set<String> manifestRoots) {
        if (key.contains("/data/") || key.startsWith("data/")) {
            if (manifestRoots.contains(exportRoot(key))) return true;
        }
        return AZURE_RUN.matcher(key).matches();
    }

    private static final java.util.regex.Pattern AZURE_RUN = java.util.regex.Pattern.compile("(.*/)?\\d{8}-\\d{8}/[^/]+/[^/]+");

    static boolean isExportFile(String key) {
        String n = key.toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".parquet");
    }

    static boolean isManifest(String key) {
        String n = name(key).toLowerCase(Locale.ROOT);
        return n.endsWith("-manifest.json") || n.equals("manifest.json");
    }

    /** The files a manifest lists, as written there; null when the JSON lists none of the known ways (not a manifest). */
    static List<String> listedFiles(byte[] content) throws IOException {
        JsonNode root = JSON.readTree(content);
        List<String> out = new ArrayList<>();
        if (root.has("dataFiles")) root.get("dataFiles").forEach(n -> out.add(n.asText()));           // AWS Data Exports
        else if (root.has("reportKeys")) root.get("reportKeys").forEach(n -> out.add(n.asText()));   // legacy CUR
        else if (root.has("blobs")) root.get("blobs").forEach(n -> out.add(n.path("blobName").asText())); // Azure exports
        else return null;
        return out;
    }

    /** A manifest's reference (an s3:// URI, a bucket key, a blob name) names a file below the source's root. */
    static boolean refersTo(String ref, String key) {
        String path = ref.startsWith("s3://") ? ref.substring(ref.indexOf('/', 5) + 1) : ref;
        path = path.startsWith("/") ? path.substring(1) : path;
        return path.equals(key) || path.endsWith("/" + key) || key.endsWith("/" + path);
    }

    /** The export a file belongs to: the path before its data/ or metadata/ folder (AWS), else its folder. */
    static String exportRoot(String key) {
        String k = "/" + key;
        for (String marker : List.of("/metadata/", "/data/")) {
            int i = k.lastIndexOf(marker);
            if (i >= 0) return k.substring(1, Math.max(1, i));
        }
        return folder(key);
    }

    static String folder(String key) {
        return key.contains("/") ? key.substring(0, key.lastIndexOf('/')) : "";
    }

    /** The billing period a manifest delivers: AWS's {@code BILLING_PERIOD=} folder, else the folder above Azure's run folder. */
    static String partition(String manifestKey) {
        int i = manifestKey.indexOf("BILLING_PERIOD=");
        if (i >= 0) {
            int end = manifestKey.indexOf('/', i);
            return exportRoot(manifestKey) + "|" + manifestKey.substring(i, end < 0 ? manifestKey.length() : end);
        }
        String[] parts = manifestKey.split("/");
        return parts.length >= 3 ? String.join("/", java.util.Arrays.copyOf(parts, parts.length - 2)) : manifestKey;
    }

    private static String name(String key) {
        return key.contains("/") ? key.substring(key.lastIndexOf('/') + 1) : key;
    }
}
