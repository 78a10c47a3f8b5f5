package dev.forum.notify.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import dev.forum.notify.config.NotifyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes user-addressed envelopes on {@code Channels.notifications()}, for {@link PushRelay}, which
 * publishes push_outbox rows once their transaction committed. PUBLISH on a single Redis, SPUBLISH on a Redis
 * Cluster ({@code notify.redis.mode}): one channel, so one slot, and a pipeline of them stays on one node.
 */
@ApplicationScoped
public class NotificationPublisher {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final String channel;
    private final String publishCommand;
    private final Counter published;
    private final Counter failed;

    public NotificationPublisher(ReactiveRedisDataSource redis, ObjectMapper mapper, NotifyConfig config,
            MeterRegistry registry) {
        this.redis = redis;
        this.mapper = mapper;
        this.channel = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT).notifications();
        this.publishCommand = config.redis().mode().publishCommand();
        this.published = Counter.builder("notify.pushes.published")
                .description("Pushes published on <ns>:notify").register(registry);
        this.failed = Counter.builder("notify.pushes.failed")
                .description("Push publishes that failed (retried in order)").register(registry);
    }

    public String channel() {
        return channel;
    }

    /**
     * Publishes the envelopes in order, pipelined on ONE connection (so Redis receives them in list
     * order), and waits for the replies. Returns how many LEADING envelopes Redis accepted: the caller
     * keeps the rest, in order, for a retry.
     */
    public int publishInOrder(List<EventEnvelope> envelopes) {
        if (envelopes.isEmpty()) {
            return 0;
        }
        List<String> json = envelopes.stream().map(this::json).toList();
        boolean[] accepted = new boolean[json.size()];
        try {
            redis.withConnection(connection -> {
                List<Uni<Boolean>> replies = new ArrayList<>(json.size());
                for (int i = 0; i < json.size(); i++) {
                    int index = i;
                    replies.add(connection.execute(publishCommand, channel, json.get(i))
                            .map(receivers -> accepted[index] = true)
                            .onFailure().recoverWithItem(false));
                }
                return Uni.join().all(replies).andFailFast().replaceWithVoid();
            }).await().atMost(PUBLISH_TIMEOUT.multipliedBy(Math.max(1, json.size() / 500 + 1)));
        } catch (RuntimeException e) {
            Log.warnf("pushes to %s failed: %s", channel, e.getMessage());
        }
        int leading = 0;
        while (leading < accepted.length && accepted[leading]) {
            leading++;
        }
        published.increment(leading);
        if (leading < accepted.length) {
            failed.increment(accepted.length - leading);
            Log.warnf("%d of %d pushes to %s not accepted by Redis; retrying them in order later",
                    accepted.length - leading, accepted.length, channel);
        }
        return leading;
    }

    private String json(EventEnvelope envelope) {
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + envelope.type(), e);
        }
    }
}
