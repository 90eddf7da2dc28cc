package dev.burnrate.intake;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Exports in an S3 bucket (AWS Data Exports write there) or any S3-compatible store, read through the AWS SDK for
 * Java v2. Credentials come from the SDK's default chain (environment, profile, instance or pod role); the endpoint is
 * the one configured for the source (AWS's regional one when none is). Objects are written whole, so a listed object
 * is complete; a delivery still waits for its manifest.
 */
public final class S3Store implements ExportStore {
    /** Where a source's exports lie: {@code endpoint} and {@code pathStyle} for an S3-compatible server. */
    public record Location(String bucket, String prefix, String region, URI endpoint, boolean pathStyle) {
        public String uri() {
            return "s3://" + bucket + "/" + prefix;
        }
    }

    private final S3Client s3;
    private final Location at;
    private final String prefix;

    public S3Store(Location at) {
        this(at, DefaultCredentialsProvider.builder().build());
    }

    public S3Store(Location at, AwsCredentialsProvider credentials) {
        this.at = at;
        this.prefix = at.prefix().isEmpty() || at.prefix().endsWith("/") ? at.prefix() : at.prefix() + "/";
        this.s3 = client(at, credentials).build();
    }

    /** A client for the location's region and endpoint (the one this store reads with; tests write with it too). */
    public static S3ClientBuilder client(Location at, AwsCredentialsProvider credentials) {
        var b = S3Client.builder()
                .region(Region.of(at.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(at.pathStyle())
                // checksums only where S3 requires them: S3-compatible servers do not all know the newer trailers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (at.endpoint() != null) b.endpointOverride(at.endpoint());
        return b;
    }

    @Override
    public String location() {
        return at.uri();
    }

    @Override
    public List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(at.bucket()).prefix(prefix).build()).contents()) {
                if (o.key().endsWith("/")) continue; // a folder marker
                out.add(new Entry(o.key().substring(prefix.length()), o.size(), o.lastModified(), o.eTag() + "@" + o.size()));
            }
        } catch (SdkException e) {
            throw new IOException("cannot list " + at.uri() + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Entry::key));
        return out;
    }

    @Override
    public byte[] read(Entry entry) throws IOException {
        try {
            return s3.getObjectAsBytes(get(entry)).asByteArray();
        } catch (SdkException e) {
            throw new IOException("cannot read " + nameOf(entry) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path local(Entry entry) throws IOException {
        // a temporary file with the object's name, so the importer knows its format (.csv, .csv.gz, .parquet)
        String name = entry.key().substring(entry.key().lastIndexOf('/') + 1);
        Path target = Files.createTempDirectory("burnrate-s3-").resolve(name);
        try {
            s3.getObject(get(entry), target);
        } catch (SdkException e) {
            release(target);
            throw new IOException("cannot download " + nameOf(entry) + ": " + e.getMessage(), e);
        }
        return target;
    }

    @Override
    public void release(Path local) {
        try {
            Files.deleteIfExists(local);
            Files.deleteIfExists(local.getParent());
        } catch (IOException ignored) {
            // a download left behind is removed with the system's temporary files
        }
    }

    private GetObjectRequest get(Entry entry) {
        return GetObjectRequest.builder().bucket(at.bucket()).key(prefix + entry.key()).build();
    }

    @Override
    public String nameOf(Entry entry) {
        return "s3://" + at.bucket() + "/" + prefix + entry.key();
    }

    @Override
    public boolean mayBeIncomplete() {
        return false;
    }

    @Override
    public void close() {
        s3.close();
    }
}
