package dev.forum.notify.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Everything under {@code notify.*} in application.properties. */
@ConfigMapping(prefix = "notify")
public interface NotifyConfig {

    /** Shared secret sent to forum-api's internal endpoints ({@code X-Internal-Token}). */
    String internalToken();

    Redis redis();

    Events events();

    Consumer consumer();

    Fanout fanout();

    Push push();

    Auth auth();

    ProcessedEvents processedEvents();

    WarmUp warmup();

    interface Redis {
        @WithDefault("forum")
        String namespace();

        /**
         * {@code single}: PUBLISH/SUBSCRIBE on one Redis; {@code cluster}: a Redis Cluster ({@code quarkus.redis.hosts}
         * lists seed nodes), SPUBLISH/SSUBSCRIBE for every channel.
         */
        @WithDefault("single")
        RedisMode mode();
    }

    interface Events {
        /**
         * Thread shards of forum-api's events (N, env {@code FORUM_EVENT_SHARDS}, the same value for every service):
         * the consumer subscribes N + 1 channels (shards 0..N-1 and the forum shard -1). The feed's
         * {@code shard_count} wins when they differ.
         */
        @WithDefault("16")
        int shardCount();
    }

    interface Consumer {
        /** The row in consumer_cursor and the consumer part of processed_events' key. */
        @WithDefault("notification-service")
        String id();

        /** Off in tests that feed envelopes to the processor directly. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("500")
        int pageSize();

        /** Events per transaction when several are waiting (pub/sub or a feed page). */
        @WithDefault("100")
        int batchSize();

        /** Feed poll while the Redis subscription is down: a Redis outage only adds this to the delay. */
        @WithDefault("5s")
        Duration pollInterval();

        /**
         * Safety-net feed poll while the Redis subscription is up and no event arrived for this long
         * (a subscriber connection that died silently); events themselves come from pub/sub.
         */
        @WithDefault("30s")
        Duration idlePollInterval();

        /** Pub/sub events held for the consumer; when full, the newest are dropped and read from the feed. */
        @WithDefault("10000")
        int liveQueueSize();

        /** How often a stand-by replica retries the consumer lock (and the leader checks its session). */
        @WithDefault("1s")
        Duration leaderRetry();

        /** Failed attempts (not counting database outages) after which an event is dead-lettered. */
        @WithDefault("5")
        int maxAttempts();
    }

    interface Push {
        /** Retry interval of the push relay after a drain that left rows (woken in-process after every commit). */
        @WithDefault("1s")
        Duration sweepInterval();

        /** Safety-net sweep when nothing is left: rows written by a replica that died before relaying them. */
        @WithDefault("30s")
        Duration idleSweepInterval();

        /** push_outbox rows per relay transaction. */
        @WithDefault("500")
        int batchSize();

        /**
         * A deletion that changes the unread counts of more users than this pushes ONE
         * {@code unread_counts_changed} to the thread's readers instead of two pushes per user.
         */
        @WithDefault("1000")
        int bulkThreshold();

        /** Refetches per second the clients told by {@code unread_counts_changed} should add up to. */
        @WithDefault("2000")
        int bulkRefetchPerSecond();
    }

    interface Fanout {
        /** Users per INSERT ... SELECT (by user-id range) when a notification goes to many. */
        @WithDefault("20000")
        int batchSize();

        /** Whether a new top-level thread leaves a {@code new_thread} notification for every reader. */
        @WithDefault("true")
        boolean newThreadNotifications();
    }

    interface Auth {
        /** How long a resolved session token is trusted without asking forum-api again. */
        @WithDefault("30s")
        Duration cacheTtl();

        /** How long a {@code /api/auth/me} call may take (connect, read, in all); past it the request gets 503. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface ProcessedEvents {
        /** processed_events rows older than this are purged (well past forum-api's feed retention). */
        @WithDefault("14d")
        Duration retention();
    }

    /** The start-up warm-up of the consumer path (see dev.forum.notify.warmup.WarmUpService); readiness is DOWN until it ends. */
    interface WarmUp {
        @WithDefault("true")
        boolean enabled();

        /**
         * Rolled-back transactions to run at most; each processes {@code eventsPerIteration} synthetic events. The
         * default's 15,000 events take a method that runs once per event past C2's thresholds (~5,000 to 15,000
         * invocations).
         */
        @WithDefault("150")
        int iterations();

        /** Events per round: one consumer transaction's worth ({@code notify.consumer.batch-size}). */
        @WithDefault("100")
        int eventsPerIteration();

        /** The warm-up stops when this much time has passed, whatever is left of the iterations. */
        @WithDefault("60s")
        Duration timeBudget();
    }
}
