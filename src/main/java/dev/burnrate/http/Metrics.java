package dev.burnrate.http;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Prometheus text exposition of Burnrate's own health: requests, latency, ledger size, JVM memory. */
final class Metrics {
    private record Key(String method, String route, int status) {
    }

    private final Map<Key, LongAdder> count = new ConcurrentHashMap<>();
    private final Map<Key, LongAdder> nanos = new ConcurrentHashMap<>();
    private final long started = System.currentTimeMillis();

    void record(String method, String route, int status, long elapsedNanos) {
        Key k = new Key(method, route, status);
        count.computeIfAbsent(k, x -> new LongAdder()).increment();
        nanos.computeIfAbsent(k, x -> new LongAdder()).add(elapsedNanos);
    }

    String render(long costRecords) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP burnrate_http_requests_total HTTP requests served, by method, route and status.\n");
        sb.append("# TYPE burnrate_http_requests_total counter\n");
        count.forEach((k, v) -> sb.append("burnrate_http_requests_total").append(labels(k)).append(' ').append(v.sum()).append('\n'));
        sb.append("# HELP burnrate_http_request_duration_seconds_sum Time spent serving HTTP requests.\n");
        sb.append("# TYPE burnrate_http_request_duration_seconds_sum counter\n");
        nanos.forEach((k, v) -> sb.append("burnrate_http_request_duration_seconds_sum").append(labels(k)).append(' ')
                .append(v.sum() / 1e9).append('\n'));
        sb.append("# HELP burnrate_ledger_cost_records Rows in the cost ledger.\n# TYPE burnrate_ledger_cost_records gauge\n");
        sb.append("burnrate_ledger_cost_records ").append(costRecords).append('\n');
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        sb.append("# HELP burnrate_jvm_heap_used_bytes JVM heap in use.\n# TYPE burnrate_jvm_heap_used_bytes gauge\n");
        sb.append("burnrate_jvm_heap_used_bytes ").append(mem.getHeapMemoryUsage().getUsed()).append('\n');
        sb.append("# HELP burnrate_process_start_time_seconds Start time of the process since the epoch.\n");
        sb.append("# TYPE burnrate_process_start_time_seconds gauge\n");
        sb.append("burnrate_process_start_time_seconds ").append(started / 1000).append('\n');
        return sb.toString();
    }

    private static String labels(Key k) {
        return "{method=\"" + k.method() + "\",route=\"" + k.route().replace("\"", "\\\"") + "\",status=\"" + k.status() + "\"}";
    }
}
