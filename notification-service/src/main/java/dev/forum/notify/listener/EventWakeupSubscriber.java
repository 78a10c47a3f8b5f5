package dev.forum.notify.listener;

import dev.forum.contract.Channels;
import dev.forum.notify.config.NotifyConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.RedisPubSubMessage;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.UUID;

/**
 * PSUBSCRIBE {@code <ns>:events:*}: each message is an event envelope, handed to the
 * {@link FeedConsumer}, which processes it when its seq is the next one and reads the feed otherwise.
 * The callback runs on the Redis I/O thread and only queues the text.
 *
 * <p>The link is checked end to end: every {@code notify.consumer.poll-interval} this replica publishes
 * to its own channel {@code <ns>:notify-heartbeat:<id>}, which the same subscription receives. The
 * consumer counts the subscription as live only once a heartbeat came back (then it reads the feed:
 * what was published before the subscription was active); when nothing (event or heartbeat) came back
 * for three intervals, or the subscription fails, it is marked down (the consumer polls the feed) and
 * replaced, with back-off while Redis is unreachable. A subscriber connection that stops delivering
 * without failing (a Redis restart the client did not notice, a half-open connection) is thus noticed
 * within seconds.
 */
@Startup
@ApplicationScoped
public class EventWakeupSubscriber {

    private final ReactiveRedisDataSource redis;
    private final FeedConsumer consumer;
    private final String pattern;
    private final String heartbeatChannel;
    private final long silenceNanos;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean live;
    private Cancellable subscription; // guarded by this

    public EventWakeupSubscriber(ReactiveRedisDataSource redis, FeedConsumer consumer, NotifyConfig config) {
        this.redis = redis;
        this.consumer = consumer;
        this.pattern = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT).eventsPattern();
        this.heartbeatChannel = config.redis().namespace() + ":notify-heartbeat:" + UUID.randomUUID();
        this.silenceNanos = config.consumer().pollInterval().multipliedBy(3).toNanos();
    }

    @PostConstruct
    void subscribe() {
        if (consumer.enabled()) {
            resubscribe();
        }
    }

    /** Publishes a heartbeat; replaces the subscription when nothing came back for three intervals. */
    @Scheduled(every = "${notify.consumer.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        if (!consumer.enabled()) {
            return;
        }
        if (System.nanoTime() - lastHeardNanos > silenceNanos) {
            down("no heartbeat came back");
            resubscribe();
        }
        redis.pubsub(String.class).publish(heartbeatChannel, "1").subscribe()
                .with(receivers -> { }, e -> Log.debugf("heartbeat publish failed: %s", e.getMessage()));
    }

    private synchronized void resubscribe() {
        if (subscription != null) {
            subscription.cancel();
        }
        lastHeardNanos = System.nanoTime();
        subscription = redis.pubsub(String.class).subscribeAsMessagesToPatterns(pattern, heartbeatChannel)
                .onFailure().invoke(e -> down(e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(this::onMessage,
                        failure -> Log.errorf("Redis subscription to %s ended: %s", pattern, failure.getMessage()));
    }

    private void onMessage(RedisPubSubMessage<String> message) {
        lastHeardNanos = System.nanoTime();
        if (heartbeatChannel.equals(message.getChannel())) {
            if (!live) {
                live = true;
                Log.infof("Redis subscription to %s is live", pattern);
                consumer.subscribed(true);
            }
            return;
        }
        consumer.offer(message.getPayload());
    }

    private void down(String why) {
        if (live) {
            live = false;
            Log.warnf("Redis subscription to %s lost (%s): polling the feed until it is back", pattern, why);
        }
        consumer.subscribed(false);
    }

    @PreDestroy
    synchronized void unsubscribe() {
        if (subscription != null) {
            subscription.cancel();
        }
    }
}
