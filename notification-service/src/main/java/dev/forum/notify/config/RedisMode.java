package dev.forum.notify.config;

/** How this service talks to Redis ({@code notify.redis.mode}, env {@code NOTIFY_REDIS_MODE}). */
public enum RedisMode {
    /** One Redis: PUBLISH and SUBSCRIBE. */
    SINGLE("PUBLISH"),
    /**
     * A Redis Cluster: sharded pub/sub (SPUBLISH, SSUBSCRIBE), which only the master of the channel's slot carries;
     * classic PUBLISH would be copied to every node of the cluster.
     */
    CLUSTER("SPUBLISH");

    private final String publishCommand;

    RedisMode(String publishCommand) {
        this.publishCommand = publishCommand;
    }

    /** The command that publishes one message on a channel in this mode. */
    public String publishCommand() {
        return publishCommand;
    }
}
