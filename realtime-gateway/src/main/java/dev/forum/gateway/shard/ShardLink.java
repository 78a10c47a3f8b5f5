package dev.forum.gateway.shard;

import dev.forum.gateway.redis.Broker;
import dev.forum.gateway.replay.EventSequencer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What joining and leaving a thread shard means on this gateway: its stream is tracked by the sequencer (from the
 * feed's head) before its channel is subscribed, and its channel is unsubscribed before its stream is dropped.
 */
@ApplicationScoped
public class ShardLink implements ShardLifecycle.Target {

    private final EventSequencer sequencer;
    private final Broker broker;

    public ShardLink(EventSequencer sequencer, Broker broker) {
        this.sequencer = sequencer;
        this.broker = broker;
    }

    @Override
    public void join(int shard) {
        sequencer.track(shard);
        broker.subscribeShard(shard);
    }

    @Override
    public void leave(int shard) {
        broker.unsubscribeShard(shard);
        sequencer.untrack(shard);
    }
}
