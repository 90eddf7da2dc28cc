package dev.burnrate.recommend;

import dev.burnrate.pricing.Providers;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A provider's frequently-accessed object storage class and the infrequent-access class to tier it to: which bill rows
 * are storage in the first ({@code service} matches ServiceName, {@code standard} matches the ChargeDescription and
 * {@code colder} does not), and what the second costs against it ({@code infrequentPrice} / {@code standardPrice}, with
 * the source of those prices). The bundled price catalog has instance prices only, so the ratio is an assumption stated
 * with its source, and configurable ({@code recommendations.infrequentAccess} in burnrate.yaml); a class without prices
 * is recognised but not priced (the engine says so).
 */
public record StorageTier(String provider, Pattern service, Pattern standard, Pattern colder, String standardClass, String infrequentClass,
                          BigDecimal standardPrice, BigDecimal infrequentPrice, String priceSource, String how, String retrieval) {
    public StorageTier {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(standard, "standard");
        Objects.requireNonNull(colder, "colder");
        if ((standardPrice == null) != (infrequentPrice == null)) throw new IllegalArgumentException("both prices or neither");
        if (standardPrice != null && (standardPrice.signum() <= 0 || infrequentPrice.signum() <= 0 || infrequentPrice.compareTo(standardPrice) >= 0)) {
            throw new IllegalArgumentException("the infrequent-access price must be above 0 and below the standard one (a ratio in (0, 1)), was "
                    + infrequentPrice + " / " + standardPrice);
        }
    }

    /** Whether the ratio is known: without it the class is recognised, not priced. */
    public boolean priced() {
        return standardPrice != null;
    }

    /** Whether a row of the bill is storage in this tier's frequently-accessed class. */
    boolean matches(String providerName, String serviceName, String description) {
        return providerName != null && serviceName != null && description != null && Providers.same(provider, providerName)
                && service.matcher(serviceName).matches() && standard.matcher(description).find() && !colder.matcher(description).find();
    }

    /** The same class with the ratio (infrequent / standard price) and its source given by a person. */
    public StorageTier withRatio(BigDecimal ratio, String source) {
        return new StorageTier(provider, service, standard, colder, standardClass, infrequentClass, BigDecimal.ONE, ratio, source, how, retrieval);
    }

    /**
     * S3 Standard → S3 Standard-IA (0.023 and 0.0125 USD per GB-month in us-east-1, first 50 TB), Cloud Storage Standard →
     * Nearline (0.020 and 0.010 in us-central1), and Azure Blob Hot → Cool without a default ratio (set one to price it).
     */
    public static List<StorageTier> defaults() {
        return List.of(
                new StorageTier(Providers.AWS, Pattern.compile("Amazon Simple Storage Service|Amazon S3|S3"),
                        Pattern.compile("(?i)of storage used|standard storage|TimedStorage-ByteHrs"),
                        Pattern.compile("(?i)infrequent|\\bIA\\b|glacier|archive|one ?zone|intelligent|reduced redundancy|express|deep"),
                        "S3 Standard", "S3 Standard-IA", new BigDecimal("0.023"), new BigDecimal("0.0125"),
                        "aws.amazon.com/s3/pricing, us-east-1, first 50 TB: S3 Standard 0.023, S3 Standard-IA 0.0125 USD per GB-month",
                        "an S3 lifecycle rule that transitions objects older than 30 days to STANDARD_IA",
                        "S3 Standard-IA charges 0.01 USD per GB read and bills at least 30 days and 128 KB per object"),
                new StorageTier(Providers.GOOGLE_CLOUD, Pattern.compile("Cloud Storage|Google Cloud Storage"),
                        Pattern.compile("(?i)standard storage"), Pattern.compile("(?i)nearline|coldline|archive|durable reduced"),
                        "Standard", "Nearline", new BigDecimal("0.020"), new BigDecimal("0.010"),
                        "cloud.google.com/storage/pricing, us-central1: Standard 0.020, Nearline 0.010 USD per GB-month",
                        "an Object Lifecycle Management rule with action SetStorageClass NEARLINE for objects older than 30 days",
                        "Nearline charges 0.01 USD per GB read and bills at least 30 days per object"),
                new StorageTier(Providers.AZURE, Pattern.compile("(?i)storage( accounts)?"),
                        Pattern.compile("(?i)\\bhot\\b.*data stored"), Pattern.compile("(?i)\\bcool\\b|\\bcold\\b|archive"),
                        "Blob Hot", "Blob Cool", null, null, null,
                        "a lifecycle management policy with tierToCool for blobs not modified in 30 days",
                        "the Cool tier charges per GB read and bills at least 30 days per blob"));
    }
}
