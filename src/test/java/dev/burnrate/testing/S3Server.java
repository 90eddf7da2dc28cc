package dev.burnrate.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import dev.burnrate.intake.S3Store;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3-compatible server (s3rver from the npm registry, installed by bin/test under test-tools/s3rver) on a free
 * loopback port, its buckets in a temp directory; it accepts the credentials {@link #CREDENTIALS}. Closed, it is stopped.
 */
public final class S3Server implements AutoCloseable {
    public static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER"));
    private final Process process;
    public final URI endpoint;
    /** A client for the test's own writes. */
    public final S3Client client;

    public S3Server(Path dir) throws IOException {
        Path bin = Path.of(System.getenv().getOrDefault("S3RVER_BIN", "test-tools/s3rver/node_modules/.bin/s3rver")).toAbsolutePath();
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("s3rver not found at " + bin + ": bin/test installs it (cd test-tools/s3rver && npm ci), or set S3RVER_BIN");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("buckets"));
        process = new ProcessBuilder(List.of(bin.toString(), "--directory", dir.resolve("buckets").toString(), "--address", "127.0.0.1",
                "--port", String.valueOf(port), "--silent", "--no-vhost-buckets"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3rver.log").toFile()).start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        PrometheusServer.await(() -> listening(port), Duration.ofSeconds(30), "s3rver to listen on port " + port);
        client = S3Store.client(new S3Store.Location("", "", "us-east-1", endpoint, true), CREDENTIALS)
                // s3rver stores an aws-chunked (streaming-signed) upload with its chunk framing: send plain bodies
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build()).build();
    }

    private boolean listening(int port) {
        if (!process.isAlive()) throw new IllegalStateException("s3rver exited with " + process.exitValue());
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    public void put(String bucket, String key, Path file) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
    }

    public void put(String bucket, String key, String content) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    public void delete(String bucket, String key) {
        client.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public void close() {
        client.close();
        PrometheusServer.stop(process);
    }
}
