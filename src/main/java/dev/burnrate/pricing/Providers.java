package dev.burnrate.pricing;

import java.util.Locale;
import java.util.Map;

/**
 * The one place where a cloud provider's many spellings become one name: bills, job events, requests and price
 * overrides say "GCP", "Google Cloud" or "Google Cloud Platform" for the same prices. Unknown names are kept as given
 * (trimmed), so a provider Burnrate does not know still matches itself.
 */
public final class Providers {
    public static final String AWS = "AWS";
    public static final String GOOGLE_CLOUD = "Google Cloud";
    public static final String AZURE = "Azure";
    public static final String ORACLE_CLOUD = "Oracle Cloud";

    private static final Map<String, String> SPELLINGS = Map.ofEntries(
            Map.entry("aws", AWS), Map.entry("amazon", AWS), Map.entry("amazon web services", AWS), Map.entry("amazon web services, inc.", AWS),
            Map.entry("amazonwebservices", AWS),
            Map.entry("gcp", GOOGLE_CLOUD), Map.entry("google", GOOGLE_CLOUD), Map.entry("google cloud", GOOGLE_CLOUD),
            Map.entry("google cloud platform", GOOGLE_CLOUD), Map.entry("googlecloud", GOOGLE_CLOUD),
            Map.entry("azure", AZURE), Map.entry("microsoft", AZURE), Map.entry("microsoft azure", AZURE), Map.entry("microsoftazure", AZURE),
            Map.entry("oci", ORACLE_CLOUD), Map.entry("oracle", ORACLE_CLOUD), Map.entry("oracle cloud", ORACLE_CLOUD),
            Map.entry("oracle cloud infrastructure", ORACLE_CLOUD), Map.entry("oraclecloud", ORACLE_CLOUD));

    private Providers() {
    }

    /** The canonical name of a provider ("GCP" → "Google Cloud"); null stays null. */
    public static String canonical(String provider) {
        if (provider == null) return null;
        String p = provider.strip();
        String known = SPELLINGS.get(p.toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", " "));
        return known != null ? known : p;
    }

    /** Whether two spellings name the same provider. */
    public static boolean same(String a, String b) {
        return a == null ? b == null : b != null && canonical(a).equalsIgnoreCase(canonical(b));
    }
}
