package dev.forum.notify.listener;

import dev.forum.common.redis.LinkWatchdog;
import dev.forum.common.redis.ShardedSubscriber;
import dev.forum.contract.Channels;
import dev.forum.contract.EventShards;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.config.RedisMode;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.RedisPubSubMessage;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Subscribes the channel of every event shard ({@code <ns>:events:{k}}, the forum shard -1 and the thread shards
 * 0..N-1): each message is an event envelope, handed to the {@link FeedConsumer}, which processes it when its seq is
 * the next one of its shard and reads that shard's feed otherwise. Callbacks run on a Redis I/O thread and only
 * queue the text.
 *
 * <p>Single Redis ({@code notify.redis.mode=single}): one SUBSCRIBE of the N + 1 channels and the heartbeat channel
 * on one connection. The link is checked end to end: every {@code notify.consumer.poll-interval} this replica
 * publishes to its own channel {@code <ns>:notify-heartbeat:<id>}, which the same subscription receives. The
 * consumer counts the shards as subscribed only once a heartbeat came back (then it reads their feed: what was
 * published before the subscription was active); when nothing (event or heartbeat) came back for three intervals,
 * or the subscription fails, they are marked down (the consumer polls the feed) and the subscription replaced,
 * with back-off while Redis is unreachable. A subscriber connection that stops delivering without failing (a Redis
 * restart the client did not notice, a half-open connection) is thus noticed within seconds.
 *
 * <p>Redis Cluster ({@code cluster}): SSUBSCRIBE per channel through {@link ShardedSubscriber}, which resubscribes
 * after failovers and slot moves and probes each node connection every poll interval (silent for three: the
 * connection is replaced); each shard counts as subscribed from its confirmation ({@code onSubscribed}: its feed
 * is read) until it is lost ({@code onLost}: polled). No heartbeat channel there: one would sit on one node only.
 *
 * <p>The channels follow the shard count the feed reports ({@link FeedConsumer#shardCount()}), checked at every
 * tick.
 */
@Startup
@ApplicationScoped
public class EventWakeupSubscriber {

    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final FeedConsumer consumer;
    private final RedisMode mode;
    private final List<String> hosts;
    private final Channels channels;
    private final String heartbeatChannel;
    private final LinkWatchdog watchdog;
    private final ShardedSubscriber.Timing clusterTiming;
    private volatile boolean live;
    /** Channel to shard, of the shards subscribed now. */
    private volatile Map<String, Integer> shardsByChannel = Map.of();
    private Cancellable subscription; // single mode, guarded by this
    private ShardedSubscriber sharded; // cluster mode, guarded by this

    public EventWakeupSubscriber(ReactiveRedisDataSource redis, Vertx vertx, FeedConsumer consumer, NotifyConfig config,
            @ConfigProperty(name = "quarkus.redis.hosts") List<String> hosts) {
        this.redis = redis;
        this.vertx = vertx;
        this.consumer = consumer;
        this.mode = config.redis().mode();
        this.hosts = hosts;
        this.channels = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT);
        this.heartbeatChannel = config.redis().namespace() + ":notify-heartbeat:" + UUID.randomUUID();
        Duration silence = config.consumer().pollInterval().multipliedBy(3);
        this.watchdog = new LinkWatchdog(silence, System::nanoTime);
        this.clusterTiming = new ShardedSubscriber.Timing(config.consumer().leaderRetry(),
                config.consumer().pollInterval(), silence);
    }

    @PostConstruct
    void subscribe() {
        if (consumer.enabled()) {
            resubscribe();
        }
    }

    /**
     * Replaces the subscription when the shard count changed; in single mode also when nothing came back for three
     * intervals, and publishes the next heartbeat (cluster mode: {@link ShardedSubscriber} probes its node
     * connections itself).
     */
    @Scheduled(every = "${notify.consumer.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        if (!consumer.enabled()) {
            return;
        }
        if (shardsByChannel.size() != consumer.shardCount() + 1) {
            Log.infof("the feed reports %d shards: subscribing their channels", consumer.shardCount());
            down("shard count changed");
            resubscribe();
        } else if (watchdog.isSilent()) {
            down("no heartbeat came back");
            resubscribe();
        }
        if (mode == RedisMode.SINGLE) {
            redis.execute(mode.publishCommand(), heartbeatChannel, "1").subscribe()
                    .with(receivers -> { }, e -> Log.debugf("heartbeat publish failed: %s", e.getMessage()));
        }
    }

    private synchronized void resubscribe() {
        close();
        shardsByChannel = EventShards.all(consumer.shardCount()).boxed()
                .collect(Collectors.toUnmodifiableMap(channels::events, shard -> shard));
        if (mode == RedisMode.CLUSTER) {
            sharded = new ShardedSubscriber(vertx, clusterOptions(), clusterTiming, new ClusterListener());
            sharded.start();
            shardsByChannel.keySet().forEach(sharded::subscribe);
            return;
        }
        watchdog.arm();
        List<String> all = new ArrayList<>(shardsByChannel.keySet());
        all.add(heartbeatChannel);
        subscription = redis.pubsub(String.class).subscribeAsMessages(all.toArray(String[]::new))
                .onFailure().invoke(e -> down(e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(this::onMessage,
                        failure -> Log.errorf("Redis subscription to the event shards ended: %s", failure.getMessage()));
    }

    /** The seed nodes of {@code quarkus.redis.hosts}, as a cluster client. */
    private RedisOptions clusterOptions() {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
        hosts.forEach(options::addConnectionString);
        return options;
    }

    private void onMessage(RedisPubSubMessage<String> message) {
        watchdog.heard();
        if (heartbeatChannel.equals(message.getChannel())) {
            if (!live) {
                live = true;
                Log.infof("Redis subscription to %d event shards is live", shardsByChannel.size());
                consumer.subscribed(shardsByChannel.values(), true);
            }
            return;
        }
        consumer.offer(message.getPayload());
    }

    private void down(String why) {
        if (live) {
            live = false;
            Log.warnf("Redis subscription to the event shards lost (%s): polling the feed until it is back", why);
        }
        consumer.subscribed(shardsByChannel.values(), false);
    }

    /** Cluster mode: each channel is confirmed or lost on its own. */
    private final class ClusterListener implements ShardedSubscriber.Listener {

        @Override
        public void onMessage(String channel, String message) {
            consumer.offer(message);
        }

        @Override
        public void onSubscribed(String channel) {
            Integer shard = shardsByChannel.get(channel);
            if (shard != null) {
                live = true;
                consumer.subscribed(List.of(shard), true);
            }
        }

        @Override
        public void onLost(String channel) {
            Integer shard = shardsByChannel.get(channel);
            if (shard != null) {
                Log.debugf("Redis Cluster subscription to %s lost: polling that shard's feed", channel);
                consumer.subscribed(List.of(shard), false);
            }
        }
    }

    private void close() {
        if (subscription != null) {
            subscription.cancel();
            subscription = null;
        }
        if (sharded != null) {
            try {
                sharded.stop();
            } catch (RuntimeException e) {
                // Being replaced anyway: a failure to close the old client must not keep the new one from starting.
                Log.warnf("closing the Redis Cluster subscriber failed: %s", e.getMessage());
            }
            sharded = null;
        }
    }

    @PreDestroy
    synchronized void unsubscribe() {
        close();
    }
}
