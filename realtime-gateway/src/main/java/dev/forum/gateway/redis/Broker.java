package dev.forum.gateway.redis;

/** The pub/sub link between gateways and the relay. */
public interface Broker {

    /** True while the subscription is live (events arrive through it). */
    boolean isUp();

    /** Publishes without waiting; failures are logged and counted. */
    void publish(String channel, String message);
}
