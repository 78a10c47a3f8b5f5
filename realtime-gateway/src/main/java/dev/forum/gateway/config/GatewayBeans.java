package dev.forum.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Channels;
import dev.forum.gateway.endpoint.FrameParser;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Plain-Java collaborators made available as beans. */
public class GatewayBeans {

    /** Registry shards: enough to keep lock contention negligible on a few cores. */
    private static final int REGISTRY_SHARDS = 64;

    @Produces
    @Singleton
    SubscriptionRegistry subscriptionRegistry(GatewayMetrics metrics) {
        SubscriptionRegistry registry = new SubscriptionRegistry(REGISTRY_SHARDS);
        metrics.watch(registry);
        return registry;
    }

    @Produces
    @Singleton
    ServerFrames serverFrames(ObjectMapper mapper) {
        return new ServerFrames(mapper);
    }

    @Produces
    @Singleton
    FrameParser frameParser(ObjectMapper mapper) {
        return new FrameParser(mapper);
    }

    @Produces
    @Singleton
    Channels channels(GatewayConfig config) {
        return new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT);
    }
}
