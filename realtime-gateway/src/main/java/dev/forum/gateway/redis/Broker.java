package dev.forum.gateway.redis;

/**
 * The pub/sub link between gateways and the relay: the typing and notification channels and the forum shard's
 * events channel always, a thread shard's events channel while {@link #subscribeShard} asked for it. What arrives
 * goes to the {@link dev.forum.gateway.replay.EventSequencer}, with each shard's subscription reported live or lost.
 */
public interface Broker {

    /** Opens the subscriber link (and keeps it open: reconnects, resubscribes). */
    void start();

    void stop();

    /** True while the typing and notification channels are subscribed (events of those arrive through Redis). */
    boolean isUp();

    /** Publishes without waiting; failures are logged and counted. */
    void publish(String channel, String message);

    /** Listens to a thread shard's events channel from now on (until {@link #unsubscribeShard}). Never blocks. */
    void subscribeShard(int shard);

    void unsubscribeShard(int shard);
}
