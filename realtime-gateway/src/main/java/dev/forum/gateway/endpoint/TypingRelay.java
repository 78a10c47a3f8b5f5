package dev.forum.gateway.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Audience;
import dev.forum.contract.Channels;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import dev.forum.contract.payload.UserTyping;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.internal.TypingThrottle;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.redis.Broker;
import dev.forum.gateway.redis.EventSource;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.EndpointKind;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.replay.EventSequencer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/**
 * A client's typing frame: checked (subscribed thread, {@code gateway.typing.throttle} per user and thread), stamped
 * with the thread's tier so the hubs filter it, and published on {@code <ns>:typing} for every gateway, or, while
 * Redis is down, handed to this gateway's sequencer so local subscribers still see it.
 */
@ApplicationScoped
public class TypingRelay {

    private final ServerFrames frames;
    private final ForumApi forumApi;
    private final EventSequencer sequencer;
    private final Broker broker;
    private final Channels channels;
    private final GatewayMetrics metrics;
    private final ObjectMapper mapper;
    private final TypingThrottle throttle;

    public TypingRelay(ServerFrames frames, ForumApi forumApi, EventSequencer sequencer, Broker broker,
            Channels channels, GatewayMetrics metrics, GatewayConfig config, ObjectMapper mapper) {
        this.frames = frames;
        this.forumApi = forumApi;
        this.sequencer = sequencer;
        this.broker = broker;
        this.channels = channels;
        this.metrics = metrics;
        this.mapper = mapper;
        this.throttle = new TypingThrottle(config.typing().throttle().toNanos(), System::nanoTime);
    }

    Uni<Void> typing(ClientSession session, InboundFrame frame) {
        Long threadId = frame.threadId();
        if (threadId == null && session.endpoint() == EndpointKind.THREAD && session.subscriptionCount() == 1) {
            threadId = session.subscriptions().iterator().next().threadId();
        }
        if (threadId == null) {
            session.send(frames.error(GatewayError.MISSING_FIELD, "field 'thread_id' is required", "typing"));
            return Uni.createFrom().voidItem();
        }
        if (session.subscription(threadId) == null) {
            session.send(frames.error(GatewayError.NOT_SUBSCRIBED, "subscribe to the thread first", "typing"));
            return Uni.createFrom().voidItem();
        }
        CurrentUser user = session.user();
        if (!throttle.allow(user.id(), threadId, frame.isTyping())) {
            metrics.drop("typing_throttled");
            return Uni.createFrom().voidItem();
        }
        long thread = threadId;
        return forumApi.findThreadAccess(thread).onItemOrFailure().transformToUni((access, failure) -> {
            int tier = failure == null && access.isPresent() ? access.get().minTierCents() : Integer.MAX_VALUE;
            publish(user, thread, tier, frame.isTyping());
            return Uni.createFrom().voidItem();
        });
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evictThrottleEntries() {
        throttle.evictOlderThanInterval();
    }

    private void publish(CurrentUser user, long threadId, int minTierCents, boolean isTyping) {
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID(), null, EventType.USER_TYPING, "thread",
                Long.toString(threadId), Audience.THREAD, threadId, null, minTierCents, Instant.now(),
                EventPayloads.tree(mapper, new UserTyping(user.id(), user.username(), isTyping)));
        if (!broker.isUp()) {
            sequencer.submit(envelope, EventSource.TYPING);
            return;
        }
        try {
            broker.publish(channels.typing(), mapper.writeValueAsString(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
