package dev.forum.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every {@code gateway.*} setting (application.properties, section "Gateway"). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    ForumApi forumApi();

    Heartbeat heartbeat();

    Queue queue();

    Subscriptions subscriptions();

    RateLimit rateLimit();

    Typing typing();

    Redis redis();

    Events events();

    Feed feed();

    Access access();

    Origins origins();

    Auth auth();

    Connections connections();

    Replay replay();

    WebSocket websocket();

    interface ForumApi {
        /** Base URL of forum-api (auth, thread access, event feed). */
        @WithDefault("http://127.0.0.1:8080")
        String url();

        /** Sent as X-Internal-Token on internal calls. */
        String internalToken();

        @WithDefault("5s")
        Duration timeout();
    }

    interface Heartbeat {
        /** A heartbeat frame goes out after this much outbound silence. */
        @WithDefault("30s")
        Duration interval();
    }

    interface Queue {
        /** Per-connection outbound queue bound, in bytes of serialised frames. */
        @WithDefault("1048576")
        int maxBytes();
    }

    interface Subscriptions {
        /** Thread subscriptions one connection may hold. */
        @WithDefault("100")
        int max();
    }

    interface RateLimit {
        /** Inbound messages per second per connection (sustained). */
        @WithDefault("20")
        double perSecond();

        @WithDefault("40")
        int burst();

        /** Consecutive refused messages after which the connection is closed. */
        @WithDefault("50")
        int closeAfter();
    }

    interface Typing {
        /** A repeated identical typing state per user and thread is forwarded at most this often. */
        @WithDefault("2s")
        Duration throttle();
    }

    interface Redis {

        /** How the gateway talks to Redis. */
        enum Mode {
            /** One Redis: {@code SUBSCRIBE} per channel on one connection, {@code PUBLISH}. */
            SINGLE,
            /** A Redis Cluster: sharded pub/sub, {@code SSUBSCRIBE} per channel on the slot's node, {@code SPUBLISH}. */
            CLUSTER
        }

        @WithDefault("single")
        Mode mode();

        @WithDefault("forum")
        String namespace();

        /** The Redis URL; in cluster mode a comma-separated list of seed nodes. */
        @WithDefault("redis://127.0.0.1:6379")
        String url();

        @WithDefault("1s")
        Duration pingInterval();

        @WithDefault("1s")
        Duration reconnectDelay();

        /**
         * Single mode: this gateway publishes a heartbeat on its own channel this often, to come back on its subscriber
         * connection. Cluster mode: each node connection holding a subscription is probed this often (an
         * {@code SSUBSCRIBE} of one of its channels again, answered on that connection).
         */
        @WithDefault("1s")
        Duration heartbeatInterval();

        /**
         * No heartbeat back on the subscriber connection (cluster mode: on one node connection) for this long: the
         * connection is closed and reopened, its channels filled from the feed.
         */
        @WithDefault("5s")
        Duration heartbeatTimeout();
    }

    interface Events {
        /** Thread shards of the event streams; the same value in every service ({@code FORUM_EVENT_SHARDS}). */
        @WithDefault("16")
        int shardCount();

        /** How long a shard stays subscribed after its last local subscriber went (a returning one cancels the leave). */
        @WithDefault("30s")
        Duration leaveGrace();
    }

    interface Feed {
        /** How often the feed is polled for the shards whose Redis subscription is not live (Redis down, a failover). */
        @WithDefault("300ms")
        Duration pollInterval();

        @WithDefault("500")
        int pageSize();

        /** Events handed from Redis to the sequencer and not processed yet; beyond, dropped and refetched. */
        @WithDefault("10000")
        int handoffCapacity();
    }

    interface Origins {
        /**
         * Origins ({@code scheme://host[:port]}) whose pages may open cookie-authenticated sockets, besides
         * the request's own (its Host). Empty: same origin only.
         */
        Optional<List<String>> allowed();
    }

    interface Auth {
        /** A token forum-api refused is refused again without asking it for this long. */
        @WithDefault("30s")
        Duration negativeCacheTtl();

        /** Failed authentications per client address per {@code failure-window}; beyond, 429 before asking forum-api. */
        @WithDefault("30")
        int maxFailures();

        @WithDefault("1m")
        Duration failureWindow();
    }

    interface Connections {
        /** Open sockets one user may hold on this gateway; the next one is closed with 4509. */
        @WithDefault("20")
        int perUser();
    }

    interface Replay {
        /** Resume replays running at once. */
        @WithDefault("4")
        int threads();

        /** Replays waiting for a thread; beyond, the client gets resync_required at once. */
        @WithDefault("1000")
        int queueCapacity();
    }

    interface WebSocket {
        /** A client message (all its frames) over this many bytes closes the connection with 1009. */
        @WithDefault("16384")
        int maxMessageSize();

        /** A client frame over this many bytes ends the connection (Netty's frame decoder). */
        @WithDefault("16384")
        int maxFrameSize();
    }

    interface Access {
        /** How long a ThreadAccess answer is trusted (thread_updated/thread_deleted invalidate it at once). */
        @WithDefault("5s")
        Duration cacheTtl();
    }
}
