package dev.forum.notify.listener;

import dev.forum.contract.Channels;
import dev.forum.notify.config.NotifyConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * PSUBSCRIBE {@code <ns>:events:*}: any message means "new events exist" and wakes the
 * {@link FeedConsumer}. The callback runs on the Redis I/O thread and only sets a flag. When the
 * subscription fails (Redis down or restarted) it resubscribes with back-off; meanwhile the
 * scheduled poll keeps consuming.
 */
@Startup
@ApplicationScoped
public class EventWakeupSubscriber {

    private final ReactiveRedisDataSource redis;
    private final FeedConsumer consumer;
    private final String pattern;
    private Cancellable subscription;

    public EventWakeupSubscriber(ReactiveRedisDataSource redis, FeedConsumer consumer, NotifyConfig config) {
        this.redis = redis;
        this.consumer = consumer;
        this.pattern = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT).eventsPattern();
    }

    @PostConstruct
    void subscribe() {
        if (!consumer.enabled()) {
            return;
        }
        subscription = redis.pubsub(String.class).subscribeToPatterns(pattern)
                // (Re)subscribed: events published while we were not listening are in the feed.
                .onSubscription().invoke(consumer::wake)
                .onFailure().invoke(e -> Log.warnf("Redis subscription to %s lost: %s", pattern, e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(message -> consumer.wake(),
                        failure -> Log.errorf("Redis subscription to %s ended: %s", pattern, failure.getMessage()));
    }

    @PreDestroy
    void unsubscribe() {
        if (subscription != null) {
            subscription.cancel();
        }
    }
}
