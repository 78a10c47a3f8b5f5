package dev.forum.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Everything under {@code forum.*} in application.properties. */
@ConfigMapping(prefix = "forum")
public interface ForumConfig {

    Internal internal();

    Auth auth();

    Redis redis();

    RateLimit rateLimit();

    Outbox outbox();

    Events events();

    Relay relay();

    DemoData demoData();

    Bootstrap bootstrap();

    Uploads uploads();

    WarmUp warmup();

    interface Internal {
        /** Shared secret other services send in {@code X-Internal-Token}. */
        String token();
    }

    interface Auth {
        @WithDefault("10")
        int bcryptCost();

        @WithDefault("30d")
        Duration sessionTtl();

        @WithDefault("false")
        boolean cookieSecure();

        /** How long a resolved session is served from memory (0 turns the cache off); see SessionCache. */
        @WithDefault("30s")
        Duration sessionCacheTtl();
    }

    interface Redis {
        @WithDefault("forum")
        String namespace();

        /** {@code single}: PUBLISH on one Redis; {@code cluster}: SPUBLISH on a Redis Cluster (docs/scaling.md). */
        @WithDefault("single")
        Mode mode();

        enum Mode { SINGLE, CLUSTER }
    }

    /** The event streams (docs/events.md "Shards"). */
    interface Events {
        /** N, the thread shards (env FORUM_EVENT_SHARDS, the same value in every service); a change opens an epoch. */
        @WithDefault("16")
        int shardCount();
    }

    /** The relay partitions spread over the replicas (see OutboxRelay). */
    interface Relay {
        /** P: shard s belongs to partition floorMod(s, P); each partition has one owner at a time. */
        @WithDefault("16")
        int partitions();

        /** How often a replica checks its lock session and moves its share of the partitions. */
        @WithDefault("2s")
        Duration rebalanceInterval();
    }

    interface RateLimit {
        /** Messages and threads one user may post per window. */
        @WithDefault("10")
        int posts();

        @WithDefault("10s")
        Duration window();

        /** Username lookups (mention autocomplete) one user may make per window. */
        @WithDefault("60")
        int lookups();

        /** Image uploads one user may make per {@link #window()}. */
        @WithDefault("10")
        int uploads();

        /** Likes, unlikes, follows and unfollows one user may do per {@link #window()}. */
        @WithDefault("30")
        int reactions();

        Login login();

        interface Login {
            /** Login attempts per username per {@link #window()}, from any address. */
            @WithDefault("10")
            int perAccount();

            /** Login attempts per client address per {@link #window()}, for any username. */
            @WithDefault("50")
            int perAddress();

            /** Registrations per client address per {@link #window()}. */
            @WithDefault("20")
            int registersPerAddress();

            @WithDefault("15m")
            Duration window();
        }
    }

    interface Outbox {
        @WithDefault("7d")
        Duration retention();

        @WithDefault("200")
        int batchSize();

        /**
         * Whether a writer's transaction numbers its own shards' rows before its commit when their state rows are free
         * (OutboxNumbering), so that a post costs one durable commit before Redis; false: only the relay numbers.
         */
        @WithDefault("true")
        boolean numberInTransaction();

        /**
         * Above this many writers' commits per second on a replica, their rows are left to the relay even with
         * {@link #numberInTransaction}: one relay step then numbers many commits' rows, which costs PostgreSQL less
         * per post than a numbering in each of them (docs/benchmarks.md: the two cross near 300 posts/s).
         */
        @WithDefault("250")
        int numberInTransactionMaxRate();

        /** The relay's safety sweep (it is woken by LISTEN/NOTIFY on every commit). */
        @WithDefault("1s")
        Duration sweepInterval();

        @WithDefault("1h")
        Duration purgeInterval();
    }

    interface DemoData {
        @WithDefault("false")
        boolean enabled();
    }

    interface Uploads {
        /** Where the bytes of uploaded images are kept; see UploadStore. */
        @WithDefault("postgres")
        Store store();

        /** Largest accepted upload in bytes, counted while the body is read. */
        @WithDefault("5242880")
        long maxBytes();

        /** Largest accepted width x height, read from the image's header (against decompression bombs). */
        @WithDefault("40000000")
        long maxPixels();

        enum Store {
            /** The forum's own database (table forum_upload). */
            POSTGRES
        }
    }

    interface Bootstrap {
        /** At startup, promote this existing user to admin if no admin exists yet (fresh production install). */
        Optional<String> adminUsername();
    }

    /** The start-up warm-up of the write path (see WarmUpService); readiness is DOWN until it ends. */
    interface WarmUp {
        @WithDefault("true")
        boolean enabled();

        /**
         * Rolled-back transactions to run at most; each posts {@code postsPerIteration} messages. The default's 15,000
         * posts take a method that runs once per post past C2's thresholds (~5,000 to 15,000 invocations).
         */
        @WithDefault("1500")
        int iterations();

        @WithDefault("10")
        int postsPerIteration();

        /** The warm-up stops when this much time has passed, whatever is left of the iterations. */
        @WithDefault("60s")
        Duration timeBudget();

        /** Whether each round is followed by requests to this replica's own HTTP port (WarmUpHttp). */
        @WithDefault("true")
        boolean http();
    }
}
