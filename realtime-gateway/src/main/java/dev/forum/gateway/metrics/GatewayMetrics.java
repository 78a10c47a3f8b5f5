package dev.forum.gateway.metrics;

import dev.forum.gateway.registry.DeliveryListener;
import dev.forum.gateway.registry.EndpointKind;
import dev.forum.gateway.registry.OutboundFrame;
import dev.forum.gateway.registry.SubscriptionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** The gateway's Prometheus metrics (see docs/metrics.md, section realtime-gateway). */
@ApplicationScoped
public class GatewayMetrics implements DeliveryListener {

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Map<EndpointKind, AtomicInteger> connections = new EnumMap<>(EndpointKind.class);
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final Map<String, Counter> drops = new ConcurrentHashMap<>();
    private final Map<String, Counter> disconnects = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusedUpgrades = new ConcurrentHashMap<>();
    private final AtomicInteger redisUp = new AtomicInteger();
    private final Counter silentRedisConnections;
    private final Counter replays;
    private final Counter replayedEvents;
    private final Counter resyncs;
    private final Counter gapFills;
    private final Counter polledEvents;
    private final Counter receivedFromPubSub;
    private final Counter receivedFromFeed;
    private final Counter sentBytes;
    private final Counter inboundFrames;
    private final Counter upgradesAccepted;
    private final Timer latency;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (EndpointKind kind : EndpointKind.values()) {
            AtomicInteger gauge = new AtomicInteger();
            connections.put(kind, gauge);
            Gauge.builder("gateway.connections", gauge, AtomicInteger::get)
                    .description("Open WebSocket connections")
                    .tag("endpoint", kind.tag())
                    .register(registry);
        }
        Gauge.builder("gateway.redis.up", redisUp, AtomicInteger::get)
                .description("1 while the Redis subscription is live, 0 while delivering from the feed")
                .register(registry);
        silentRedisConnections = Counter.builder("gateway.redis.silent.connections")
                .description("Subscriber connections (cluster mode: node connections) replaced because no heartbeat came back in time")
                .register(registry);
        replays = Counter.builder("gateway.replays").description("Resume replays run").register(registry);
        replayedEvents = Counter.builder("gateway.replayed.events").description("Events sent by replays")
                .register(registry);
        resyncs = Counter.builder("gateway.resyncs").description("resync_required frames sent").register(registry);
        gapFills = Counter.builder("gateway.seq.gap.events")
                .description("Events fetched from the feed to fill a seq gap").register(registry);
        polledEvents = Counter.builder("gateway.feed.polled.events")
                .description("Events delivered from the feed while Redis was down").register(registry);
        // What this replica hears, wanted or not: the cost that subscribing only to watched shards cuts.
        receivedFromPubSub = received("pubsub");
        receivedFromFeed = received("feed");
        sentBytes = Counter.builder("gateway.sent").baseUnit("bytes")
                .description("Bytes of frames written to sockets").register(registry);
        inboundFrames = Counter.builder("gateway.inbound.frames")
                .description("Text frames received from clients (rate-limited and rejected ones included)")
                .register(registry);
        upgradesAccepted = Counter.builder("gateway.upgrades.accepted")
                .description("WebSocket upgrades accepted (refused ones: gateway_upgrades_refused_total)")
                .register(registry);
        // Server-side buckets (aggregatable across replicas); no client-side quantiles.
        latency = Timer.builder("gateway.delivery.latency")
                .description("From the event's committed_at (taken at its INSERT, before the commit) to its socket write")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    private Counter received(String source) {
        return Counter.builder("gateway.events.received").tag("source", source)
                .description("Outbox events received from the Redis events channels (pubsub) or read from forum-api's feed (feed)")
                .register(registry);
    }

    /** Subscriptions and subscribed threads of the registry, read when Prometheus scrapes. */
    public void watch(SubscriptionRegistry subscriptions) {
        Gauge.builder("gateway.subscriptions", subscriptions, SubscriptionRegistry::subscriptionCount)
                .description("Thread subscriptions over all open connections").register(registry);
        Gauge.builder("gateway.subscribed.threads", subscriptions, SubscriptionRegistry::subscribedThreadCount)
                .description("Threads with at least one subscriber on this replica").register(registry);
    }

    /** Thread shards this gateway is subscribed to, read when Prometheus scrapes. */
    public void watchShards(IntSupplier subscribedThreadShards) {
        // A Supplier gauge holds its function strongly (an object gauge would hold this lambda weakly: NaN once collected).
        Gauge.builder("gateway.shard.subscriptions", subscribedThreadShards::getAsInt)
                .description("Thread shards whose events channel this gateway is subscribed to (the forum shard not counted)")
                .register(registry);
    }

    public void upgradeAccepted() {
        upgradesAccepted.increment();
    }

    public void inboundFrame() {
        inboundFrames.increment();
    }

    public void connectionOpened(EndpointKind kind) {
        connections.get(kind).incrementAndGet();
    }

    public void connectionClosed(EndpointKind kind) {
        connections.get(kind).decrementAndGet();
    }

    public void redisLink(boolean up) {
        redisUp.set(up ? 1 : 0);
    }

    public void redisConnectionSilent() {
        silentRedisConnections.increment();
    }

    public void replayed(int events) {
        replays.increment();
        replayedEvents.increment(events);
    }

    public void resyncRequired() {
        resyncs.increment();
    }

    public void gapFilled(int events) {
        gapFills.increment(events);
    }

    public void receivedFromPubSub() {
        receivedFromPubSub.increment();
    }

    public void receivedFromFeed(int events) {
        receivedFromFeed.increment(events);
    }

    public void polled(int events) {
        polledEvents.increment(events);
    }

    public void drop(String reason) {
        drops.computeIfAbsent(reason, r -> Counter.builder("gateway.drops").tag("reason", r)
                .description("Frames or events not delivered, by reason").register(registry)).increment();
    }

    /** A WebSocket upgrade refused before it happened (foreign origin, bad token, too many connections). */
    public void upgradeRefused(String reason) {
        refusedUpgrades.computeIfAbsent(reason, r -> Counter.builder("gateway.upgrades.refused").tag("reason", r)
                .description("WebSocket upgrades refused, by reason").register(registry)).increment();
    }

    @Override
    public void written(OutboundFrame frame) {
        deliveries.computeIfAbsent(frame.type(), t -> Counter.builder("gateway.deliveries").tag("type", t)
                .description("Frames written to sockets, by type").register(registry)).increment();
        sentBytes.increment(frame.bytes());
        Instant committedAt = frame.committedAt();
        if (committedAt != null) {
            long elapsedMillis = System.currentTimeMillis() - committedAt.toEpochMilli();
            if (elapsedMillis >= 0) {
                latency.record(elapsedMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void dropped(OutboundFrame frame, String reason) {
        drop(reason);
    }

    @Override
    public void disconnected(String reason) {
        disconnects.computeIfAbsent(reason, r -> Counter.builder("gateway.disconnects").tag("reason", r)
                .description("Connections closed by the gateway, by reason").register(registry)).increment();
    }
}
