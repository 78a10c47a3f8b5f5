package dev.forum.system;

import dev.forum.system.ForumHttp.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.forum.system.Frames.type;

/**
 * Benchmark, not a test: prints figures, asserts nothing about speed. Run with scripts/bench-gateway
 * (-Dforum.bench=true). N clients split over two replicas subscribe to one thread; M messages are
 * posted one after the other; reports the post-to-receive latency seen by clients and the gateways'
 * own commit-to-socket-write histogram.
 */
@EnabledIfSystemProperty(named = "forum.bench", matches = "true")
class FanoutBenchmarkIT extends StackTestBase {

    private static final int CLIENTS = Integer.getInteger("forum.bench.clients", 200);
    private static final int MESSAGES = Integer.getInteger("forum.bench.messages", 200);

    @Test
    void fanOutToManySubscribers() {
        Session author = http.registerAndLogin(unique("author"));
        long threadId = http.createThread(author, "Benchmark", "start", 0).path("id").asLong();
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Session reader = http.registerAndLogin(unique("reader"));
                WsClient client = WsClient.connect(stack.gateway(i % 2).wsUri(V2), reader.token());
                client.subscribe(threadId);
                clients.add(client);
            }
            clients.forEach(c -> c.await(type("subscribed", threadId), Duration.ofSeconds(30)));
            Map<Long, Long> postedAt = new HashMap<>();
            long start = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                long before = System.nanoTime();
                long id = http.postMessage(author, threadId, "bench " + i).path("id").asLong();
                postedAt.put(id, before);
            }
            long postedIn = System.nanoTime() - start;
            clients.forEach(c -> c.awaitCount(type("new_message", threadId), MESSAGES, Duration.ofSeconds(120)));
            long deliveredIn = System.nanoTime() - start;
            long[] latencies = clients.stream().flatMap(c -> c.received().stream())
                    .filter(r -> type("new_message", threadId).test(r.frame()))
                    .mapToLong(r -> r.atNanos() - postedAt.get(r.frame().path("message").path("id").asLong()))
                    .sorted().toArray();
            System.out.printf("%n=== gateway fan-out benchmark: %d clients on 2 replicas, %d messages ===%n", CLIENTS,
                    MESSAGES);
            System.out.printf("frames delivered: %d in %.2f s (posting took %.2f s) -> %.0f frames/s%n",
                    latencies.length, deliveredIn / 1e9, postedIn / 1e9, latencies.length / (deliveredIn / 1e9));
            System.out.printf("client-side latency (POST start -> frame received): p50 %.1f ms, p95 %.1f ms, "
                    + "p99 %.1f ms, max %.1f ms%n", pct(latencies, 50), pct(latencies, 95), pct(latencies, 99),
                    latencies[latencies.length - 1] / 1e6);
            for (ServiceProcess gateway : stack.gateways()) {
                String metrics = gateway.get("/q/metrics");
                System.out.printf("%s gateway_delivery_latency_seconds (commit -> socket write): %s%n",
                        gateway.name(), quantiles(metrics));
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static double pct(long[] sorted, int percentile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** The upper bounds of the histogram buckets that hold p50 and p99. */
    private static String quantiles(String metrics) {
        List<double[]> buckets = Arrays.stream(metrics.split("\n"))
                .filter(line -> line.startsWith("gateway_delivery_latency_seconds_bucket{le=\""))
                .map(line -> {
                    String le = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
                    return new double[] {le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                            Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))};
                })
                .sorted(java.util.Comparator.comparingDouble(b -> b[0])).toList();
        if (buckets.isEmpty() || buckets.get(buckets.size() - 1)[1] == 0) {
            return "(none)";
        }
        return String.format("p50 <= %.3f s, p99 <= %.3f s, n = %.0f", upperBound(buckets, 0.5),
                upperBound(buckets, 0.99), buckets.get(buckets.size() - 1)[1]);
    }

    private static double upperBound(List<double[]> buckets, double q) {
        double rank = q * buckets.get(buckets.size() - 1)[1];
        return buckets.stream().filter(b -> b[1] >= rank).findFirst().orElseThrow()[0];
    }
}
