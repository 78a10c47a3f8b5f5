package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ServiceProcess;
import dev.forum.system.Stack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the gateways and the stack's Redis say about the gateways' pub/sub link: each gateway's
 * readiness mode, its Prometheus counters, and the subscriptions Redis itself holds.
 */
final class RedisLink {

    private RedisLink() {
    }

    /** Each gateway's readiness mode: {@code redis}, {@code feed_polling} or {@code unreachable}. */
    static List<String> modes(Stack stack) {
        List<String> modes = new ArrayList<>();
        for (ServiceProcess gateway : stack.gateways()) {
            try {
                JsonNode ready = ForumHttp.JSON.readTree(gateway.get("/q/health/ready"));
                String mode = "unknown";
                for (JsonNode check : ready.path("checks")) {
                    mode = check.path("data").has("mode") ? check.path("data").path("mode").asText() : mode;
                }
                modes.add(mode);
            } catch (IOException | RuntimeException e) {
                modes.add("unreachable");
            }
        }
        return modes;
    }

    /** {@code PUBSUB NUMSUB} of the typing channel: how many connections (gateways) subscribe to it. */
    static long typingSubscribers(Stack stack) {
        return stack.redis().integer("PUBSUB", "NUMSUB", stack.namespace() + ":typing");
    }

    /**
     * Gateways' subscriber connections on the stack's Redis, from {@code CLIENT LIST TYPE pubsub}: each gateway
     * names its one connection {@code gateway-subscriber-<id>} (whether all its channels are confirmed again is
     * its readiness {@code mode}, see {@link #modes}).
     */
    static long gatewaySubscriberConnections(Stack stack) {
        return gatewaySubscriberIds(stack).size();
    }

    /** The Redis client ids ({@code id=...}) of the connections {@link #gatewaySubscriberConnections} counts. */
    static Set<String> gatewaySubscriberIds(Stack stack) {
        return stack.redis().command("CLIENT", "LIST", "TYPE", "pubsub").lines()
                .filter(line -> line.contains(" name=gateway-subscriber-"))
                .map(line -> line.substring(0, line.indexOf(' ')))
                .collect(Collectors.toSet());
    }

    /** A gateway's counter or gauge from {@code /q/metrics} (summed over its tags), 0 when absent. */
    static double metric(ServiceProcess gateway, String name) {
        double sum = 0;
        for (String line : gateway.get("/q/metrics").split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Events all gateways took from the feed instead of pub/sub: polled while down (and caught up) or gap-filled. */
    static double eventsFromFeed(Stack stack) {
        return metricOfAll(stack, "gateway_feed_polled_events_total")
                + metricOfAll(stack, "gateway_seq_gap_events_total");
    }

    /** {@link #metric} summed over every gateway of the stack. */
    static double metricOfAll(Stack stack, String name) {
        return stack.gateways().stream().mapToDouble(gateway -> metric(gateway, name)).sum();
    }
}
