package dev.forum.gateway;

import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.Channels;
import dev.forum.gateway.client.FakeForumApiClient;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayBeans;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.redis.Broker;
import dev.forum.gateway.registry.Hub;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.registry.ThreadWatchListener;
import dev.forum.gateway.replay.EventSequencer;
import dev.forum.gateway.shard.ShardLifecycle;
import dev.forum.gateway.shard.ShardLink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

import java.time.Duration;

import static dev.forum.gateway.registry.TestClients.JSON;

/**
 * The gateway's event path wired as {@link GatewayBeans} wires it (registry, shard lifecycle, sequencer, hub, a real
 * broker), without Quarkus, over forum-api's in-memory stand-in: for the brokers' tests on a real Redis.
 */
public final class TestGateway implements AutoCloseable {

    /** How a broker is made (its constructor). */
    public interface BrokerFactory {
        Broker create(Vertx vertx, Channels channels, EventSequencer sequencer, GatewayMetrics metrics,
                GatewayConfig config);
    }

    public final FakeForumApiClient forumApi = new FakeForumApiClient();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final SubscriptionRegistry registry;
    public final EventSequencer sequencer;
    public final Broker broker;
    private ShardLifecycle shards;

    public TestGateway(Vertx vertx, GatewayConfig config, Channels channels, Duration leaveGrace,
            BrokerFactory brokers) {
        GatewayMetrics metrics = new GatewayMetrics(meters);
        ForumApi api = new ForumApi(config, forumApi, new SessionLookup(forumApi, Duration.ofSeconds(5)));
        // The registry tells the lifecycle, which needs the broker, which needs the sequencer and its hub, which
        // need the registry: CDI breaks the cycle with a proxy, this with a late field.
        registry = new SubscriptionRegistry(8, new ThreadWatchListener() {
            @Override
            public void threadWatched(long threadId) {
                shards.threadWatched(threadId);
            }

            @Override
            public void threadUnwatched(long threadId) {
                shards.threadUnwatched(threadId);
            }
        });
        sequencer = new EventSequencer(new Hub(registry, new ServerFrames(JSON), api, metrics, JSON), api, JSON,
                metrics, vertx, config);
        broker = brokers.create(vertx, channels, sequencer, metrics, config);
        shards = new ShardLifecycle(config.events().shardCount(), leaveGrace, GatewayBeans.timers(vertx),
                new ShardLink(sequencer, broker));
        metrics.watchShards(shards::joinedShards);
    }

    public TestGateway start() {
        sequencer.start();
        broker.start();
        return this;
    }

    @Override
    public void close() {
        broker.stop();
        sequencer.stop();
    }
}
