import dev.burnrate.app.Wiring;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Gate decisions over HTTP on loopback, 32 concurrent clients, against a real server and ledger file (every decision
 * is journalled in the hash-chained audit log before it is answered).
 * 1. reference: GET /api/v1/policies (routing, JSON, no work) closed-loop, same clients, same run;
 * 2. POST /api/v1/gate/requests closed-loop: throughput and latency;
 * 3. both at a fixed 3,000 requests/s (open loop; latency from the scheduled send time, so a stall counts for every
 *    request it delays);
 * 4. overcommit: 200 concurrent requests against a budget that fits exactly 50.
 * The clients are lean keep-alive HTTP/1.1 connections on plain sockets (one per client thread), so that the load
 * generator, which shares the machine's cores with the server, costs little next to the server's work.
 * Usage: java --enable-native-access=ALL-UNNAMED -cp "target/classes:target/lib/*" bench/GateBench.java [SECONDS]
 * (default G1 collector, as bin/burnrate runs the server; the ledger and the audit journal are in java.io.tmpdir, on disk here).
 */
public class GateBench {
    static final int CLIENTS = 32;
    static final AtomicLong IDS = new AtomicLong();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("during-import")) {
            duringImport(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 1000);
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Wiring w = open();
        int port = w.api().start("127.0.0.1", 0);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS, r -> new Thread(r, "client-" + IDS.incrementAndGet()));
        try {
            warmUp(pool, port);
            Result ref = closedLoop(pool, port, false, seconds);
            Result gate = closedLoop(pool, port, true, seconds);
            Result refFixed = openLoop(pool, port, false, 3000, seconds);
            Result fixed = openLoop(pool, port, true, 3000, seconds);
            System.out.printf("reference GET /api/v1/policies : %,.0f req/s  p50 %.2f ms  p99 %.2f ms  CPU/request: server %.0f µs, clients %.0f µs%n",
                    ref.rate(), ref.p(0.5), ref.p(0.99), ref.serverUs(), ref.clientUs());
            System.out.printf("gate decisions, closed loop     : %,.0f decisions/s  p50 %.2f ms  p99 %.2f ms  (%.2f of the reference rate)  CPU/decision: server %.0f µs, clients %.0f µs%n",
                    gate.rate(), gate.p(0.5), gate.p(0.99), gate.rate() / ref.rate(), gate.serverUs(), gate.clientUs());
            System.out.printf("reference at 3,000/s (open loop): %,.0f req/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms%n",
                    refFixed.rate(), refFixed.p(0.5), refFixed.p(0.99), refFixed.p(1.0));
            System.out.printf("gate decisions at 3,000/s target: %,.0f decisions/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms  CPU/decision: server %.0f µs, clients %.0f µs%n",
                    fixed.rate(), fixed.p(0.5), fixed.p(0.99), fixed.p(1.0), fixed.serverUs(), fixed.clientUs());
            overcommit(port, w);
            var v = w.audit().verify();
            System.out.printf("audit log: %,d entries, intact %s%n", v.entries(), v.intact());
        } finally {
            pool.shutdownNow();
            w.api().stop();
            w.close();
        }
    }

    /** A fresh ledger whose budgets never stop the gate ({@code ml}), and one that fits exactly 50 decisions ({@code tight}). */
    static Wiring open() throws IOException {
        Path dir = Files.createTempDirectory("gatebench");
        Files.writeString(dir.resolve("burnrate.yaml"), """
                prices:
                  - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: bench}
                budgets:
                  - {id: ml, scope: {team: ml}, period: monthly, amount: 1000000000000, currency: USD}
                  - {id: tight, scope: {team: tight}, period: monthly, amount: 505, currency: USD}
                gate:
                  autoApproveLimit: 1000
                """);
        return Wiring.open(dir.resolve("bench.duckdb"), dir.resolve("burnrate.yaml"), Clock.systemUTC());
    }

    /**
     * Gate decisions while a bill is imported, against the same load while idle, in one run: an open loop at
     * {@code perSecond} decisions, first for 20 s with nothing else to do, then for as long as the import of
     * {@code csv} runs (through the same import pipeline a source or POST /api/v1/imports uses).
     */
    static void duringImport(Path csv, int perSecond) throws Exception {
        Wiring w = open();
        int port = w.api().start("127.0.0.1", 0);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS, r -> new Thread(r, "client-" + IDS.incrementAndGet()));
        try {
            warmUp(pool, port);
            Result idle = openLoop(pool, port, true, perSecond, 20);
            long t0 = System.nanoTime();
            var importing = java.util.concurrent.CompletableFuture.supplyAsync(() -> w.imports().importFiles(List.of(csv)));
            List<Result> during = new ArrayList<>();
            while (!importing.isDone()) during.add(openLoop(pool, port, true, perSecond, 5));
            double importSecs = (System.nanoTime() - t0) / 1e9;
            var report = importing.join().report();
            long rows = report.rows();
            double[] all = during.stream().flatMapToDouble(r -> Arrays.stream(r.latMs())).sorted().toArray();
            long n = during.stream().mapToLong(Result::count).sum();
            double secs = during.stream().mapToDouble(Result::seconds).sum();
            Result busy = new Result(n, secs, all, 0, 0);
            System.out.printf("import: %,d rows in %.1f s (%,.0f rows/s) while deciding%n", rows, importSecs, rows / importSecs);
            System.out.printf("gate at %,d/s, idle         : %,.0f decisions/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms%n",
                    perSecond, idle.rate(), idle.p(0.5), idle.p(0.99), idle.p(1.0));
            System.out.printf("gate at %,d/s, during import: %,.0f decisions/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms  (p99 %.1f× idle)%n",
                    perSecond, busy.rate(), busy.p(0.5), busy.p(0.99), busy.p(1.0), busy.p(0.99) / idle.p(0.99));
        } finally {
            pool.shutdownNow();
            w.api().stop();
            w.close();
        }
    }

    /**
     * The CPU a run used, split between the load generator's threads ("client-*") and the rest of the process (the
     * server's threads, the audit writer, GC and JIT): what the server costs per request, whatever the machine's speed.
     */
    record Cpu(long processNs, long clientNs) {
        static Cpu now() {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long client = 0;
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && info.getThreadName().startsWith("client-")) client += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
            return new Cpu(os.getProcessCpuTime(), client);
        }
    }

    record Result(long count, double seconds, double[] latMs, long serverCpuNs, long clientCpuNs) {
        double rate() {
            return count / seconds;
        }

        /** Server CPU per request in microseconds. */
        double serverUs() {
            return serverCpuNs / 1e3 / count;
        }

        double clientUs() {
            return clientCpuNs / 1e3 / count;
        }

        double p(double q) {
            if (latMs.length == 0) return 0;
            return latMs[Math.min(latMs.length - 1, (int) Math.ceil(q * latMs.length) - 1 < 0 ? 0 : (int) Math.ceil(q * latMs.length) - 1)];
        }
    }

    /** One keep-alive HTTP/1.1 connection: writes a request, reads the status line, headers and body. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Conn(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }

        String send(boolean gate, String team) throws IOException {
            out.write(request(port(), gate, team));
            out.flush();
            String status = line();
            int length = -1;
            boolean chunked = false;
            for (String h; !(h = line()).isEmpty(); ) {
                String lower = h.toLowerCase();
                if (lower.startsWith("content-length:")) length = Integer.parseInt(h.substring(15).trim());
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            }
            String body;
            if (chunked) {
                StringBuilder b = new StringBuilder();
                for (int n; (n = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                    b.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
                    line();
                }
                line();
                body = b.toString();
            } else {
                body = new String(in.readNBytes(Math.max(length, 0)), StandardCharsets.UTF_8);
            }
            if (!status.contains(" 200 ") && !status.contains(" 201 ")) throw new IllegalStateException(status + " " + body);
            return body;
        }

        int port() {
            return socket.getPort();
        }

        String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) throw new IOException("connection closed");
                if (c != '\r') b.append((char) c);
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static byte[] request(int port, boolean gate, String team) {
        if (!gate) return ("GET /api/v1/policies HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        String body = "{\"id\":\"b-" + IDS.incrementAndGet() + "\",\"model\":\"bench\",\"team\":\"" + team + "\",\"kind\":\"full\","
                + "\"instanceType\":\"p4d.24xlarge\",\"pricing\":\"spot\",\"expectedHours\":1,\"trigger\":{\"type\":\"schedule\"},\"requester\":\"bench\"}";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return ("POST /api/v1/gate/requests HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Both request kinds in turn, 3 s each, until the JIT compilers used less than 5% of a round (at most 20 rounds):
     * on 2 cores, the C2 compiler is still busy for tens of seconds after start, which is start-up, not serving.
     */
    static void warmUp(ExecutorService pool, int port) throws Exception {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        for (int round = 1; round <= 20; round++) {
            long c0 = jit.getTotalCompilationTime();
            long t0 = System.nanoTime();
            closedLoop(pool, port, false, 3);
            closedLoop(pool, port, true, 3);
            double share = (jit.getTotalCompilationTime() - c0) / ((System.nanoTime() - t0) / 1e6);
            System.out.printf("warm-up round %d: JIT compiling %.0f%% of the time%n", round, share * 100);
            if (share < 0.05) return;
        }
    }

    static Result closedLoop(ExecutorService pool, int port, boolean gate, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<List<Long>>> fs = new ArrayList<>();
        Cpu c0 = Cpu.now();
        long t0 = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            fs.add(pool.submit(() -> {
                List<Long> lat = new ArrayList<>();
                try (Conn conn = new Conn(port)) {
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        conn.send(gate, "ml");
                        lat.add(System.nanoTime() - s);
                    }
                }
                return lat;
            }));
        }
        return collect(fs, t0, c0);
    }

    static Result openLoop(ExecutorService pool, int port, boolean gate, int perSecond, int seconds) throws Exception {
        long interval = 1_000_000_000L * CLIENTS / perSecond;
        Cpu c0 = Cpu.now();
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        List<Future<List<Long>>> fs = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            long offset = interval * c / CLIENTS;
            fs.add(pool.submit(() -> {
                List<Long> lat = new ArrayList<>();
                try (Conn conn = new Conn(port)) {
                    for (long due = t0 + offset; due < end; due += interval) {
                        long wait = due - System.nanoTime();
                        if (wait > 0) LockSupport.parkNanos(wait);
                        conn.send(gate, "ml");
                        lat.add(System.nanoTime() - due);
                    }
                }
                return lat;
            }));
        }
        return collect(fs, t0, c0);
    }

    static Result collect(List<Future<List<Long>>> fs, long t0, Cpu c0) throws Exception {
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : fs) all.addAll(f.get());
        double secs = (System.nanoTime() - t0) / 1e9;
        Cpu c1 = Cpu.now();
        double[] ms = all.stream().mapToDouble(n -> n / 1e6).toArray();
        Arrays.sort(ms);
        long client = c1.clientNs() - c0.clientNs();
        return new Result(all.size(), secs, ms, c1.processNs() - c0.processNs() - client, client);
    }

    static void overcommit(int port, Wiring w) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> fs = new ArrayList<>();
        ExecutorService many = Executors.newFixedThreadPool(200);
        for (int i = 0; i < 200; i++) {
            fs.add(many.submit(() -> {
                try (Conn conn = new Conn(port)) {
                    go.await();
                    return conn.send(true, "tight");
                }
            }));
        }
        go.countDown();
        int approved = 0;
        for (Future<String> f : fs) if (f.get().contains("\"decision\":\"approved\"")) approved++;
        many.shutdown();
        var b = w.budgets().find("tight").orElseThrow();
        System.out.printf("overcommit: 200 concurrent requests of p90 10.00 USD against a 505 USD budget: %d approved (exactly 50 fit), reserved %s USD%n",
                approved, w.gate().reserved(b, java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1)).amount().toPlainString());
    }
}
