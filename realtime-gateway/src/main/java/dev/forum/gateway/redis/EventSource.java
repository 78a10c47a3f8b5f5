package dev.forum.gateway.redis;

import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an envelope reached the gateway from, and what that source may carry. Anything else is forged
 * or misrouted (for example {@code user_updated} with role admin published on the typing channel, or
 * an outbox type without a {@code seq}) and is dropped and counted, never routed to a socket.
 * Outbox events must name their stream ({@code shard_epoch}, {@code shard}): an envelope of the legacy
 * global stream has no place on a shard's channel.
 */
public enum EventSource {
    /** {@code <ns>:events:{<shard>}} and forum-api's feed: forum-api's outbox events, always numbered in a shard's stream. */
    OUTBOX,
    /** {@code <ns>:typing} (and typing made here while Redis is down): only {@code user_typing}, never numbered. */
    TYPING,
    /** {@code <ns>:notify}: notification-service's pushes to users and readers, never numbered. */
    NOTIFY;

    private static final Set<EventType> NOTIFY_TYPES = EnumSet.of(EventType.FORUM_NOTIFICATION,
            EventType.FORUM_NOTIFICATION_COUNT, EventType.UNREAD_COUNT_UPDATED, EventType.UNREAD_COUNTS_CHANGED,
            EventType.TEAM_MENTION, EventType.EVERYONE_MENTION);

    /** Why this source may not carry the envelope ({@code gateway_drops_total} reason), or null if it may. */
    public String refusal(EventEnvelope envelope) {
        if (envelope.type() == null || envelope.audience() == null) {
            return "invalid_envelope";
        }
        boolean allowed = switch (this) {
            case OUTBOX -> envelope.type() != EventType.USER_TYPING && !NOTIFY_TYPES.contains(envelope.type());
            case TYPING -> envelope.type() == EventType.USER_TYPING && envelope.audience() == Audience.THREAD;
            case NOTIFY -> NOTIFY_TYPES.contains(envelope.type())
                    && (envelope.audience() == Audience.USER || envelope.audience() == Audience.READERS);
        };
        if (!allowed) {
            return "not_allowed_on_channel";
        }
        if ((this == OUTBOX) != (envelope.seq() != null)) {
            return this == OUTBOX ? "missing_seq" : "unexpected_seq";
        }
        if ((this == OUTBOX) != (envelope.shard() != null && envelope.shardEpoch() != null)) {
            return this == OUTBOX ? "missing_shard" : "unexpected_seq";
        }
        return null;
    }
}
