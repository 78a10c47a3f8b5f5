package dev.forum.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.forum.contract.payload.EventPayload;
import dev.forum.contract.payload.EveryoneMention;
import dev.forum.contract.payload.EveryoneMentionDisabled;
import dev.forum.contract.payload.EveryoneMentionEnabled;
import dev.forum.contract.payload.EveryoneRestricted;
import dev.forum.contract.payload.EveryoneUnrestricted;
import dev.forum.contract.payload.ForumNotification;
import dev.forum.contract.payload.ForumNotificationCount;
import dev.forum.contract.payload.MessageEdited;
import dev.forum.contract.payload.MessageLiked;
import dev.forum.contract.payload.MessageThreadCountUpdated;
import dev.forum.contract.payload.MessageUnliked;
import dev.forum.contract.payload.MessagesDeleted;
import dev.forum.contract.payload.NewMessage;
import dev.forum.contract.payload.NewSubThreadCreated;
import dev.forum.contract.payload.NewThreadCreated;
import dev.forum.contract.payload.SessionRevoked;
import dev.forum.contract.payload.TeamMention;
import dev.forum.contract.payload.ThreadDeleted;
import dev.forum.contract.payload.ThreadFollowed;
import dev.forum.contract.payload.ThreadUnfollowed;
import dev.forum.contract.payload.ThreadUpdated;
import dev.forum.contract.payload.UnreadCountUpdated;
import dev.forum.contract.payload.UnreadCountsChanged;
import dev.forum.contract.payload.UserRegistered;
import dev.forum.contract.payload.UserTyping;
import dev.forum.contract.payload.UserUpdated;

/**
 * Every event type, by its wire name, with the record of its payload and the version of that record
 * (docs/events.md, "Versions"). Client-facing names are the seeds' (the browser client switches on
 * them); the {@link Audience#INTERNAL} ones only travel between services.
 */
public enum EventType {
    NEW_MESSAGE("new_message", NewMessage.class),
    MESSAGE_EDITED("message_edited", MessageEdited.class),
    MESSAGES_DELETED("messages_deleted", MessagesDeleted.class),
    MESSAGE_LIKED("message_liked", MessageLiked.class),
    MESSAGE_UNLIKED("message_unliked", MessageUnliked.class),
    THREAD_UPDATED("thread_updated", ThreadUpdated.class),
    THREAD_DELETED("thread_deleted", ThreadDeleted.class),
    MESSAGE_THREAD_COUNT_UPDATED("message_thread_count_updated", MessageThreadCountUpdated.class),
    USER_TYPING("user_typing", UserTyping.class),
    NEW_THREAD_CREATED("new_thread_created", NewThreadCreated.class),
    NEW_SUB_THREAD_CREATED("new_sub_thread_created", NewSubThreadCreated.class),
    FORUM_NOTIFICATION("forum_notification", ForumNotification.class),
    FORUM_NOTIFICATION_COUNT("forum_notification_count", ForumNotificationCount.class),
    UNREAD_COUNT_UPDATED("unread_count_updated", UnreadCountUpdated.class),
    /** One broadcast for a mass change of unread counts: clients with unread ones in the thread refetch. */
    UNREAD_COUNTS_CHANGED("unread_counts_changed", UnreadCountsChanged.class),
    TEAM_MENTION("team_mention", TeamMention.class),
    EVERYONE_MENTION("everyone_mention", EveryoneMention.class),
    EVERYONE_RESTRICTED("everyone_restricted", EveryoneRestricted.class),
    EVERYONE_UNRESTRICTED("everyone_unrestricted", EveryoneUnrestricted.class),
    EVERYONE_MENTION_DISABLED("everyone_mention_disabled", EveryoneMentionDisabled.class),
    EVERYONE_MENTION_ENABLED("everyone_mention_enabled", EveryoneMentionEnabled.class),

    // Service-to-service facts; never written to a client socket.
    USER_REGISTERED("user_registered", UserRegistered.class),
    USER_UPDATED("user_updated", UserUpdated.class),
    SESSION_REVOKED("session_revoked", SessionRevoked.class),
    THREAD_FOLLOWED("thread_followed", ThreadFollowed.class),
    THREAD_UNFOLLOWED("thread_unfollowed", ThreadUnfollowed.class);

    private final String wireName;
    private final Class<? extends EventPayload> payloadType;
    private final int payloadVersion;

    EventType(String wireName, Class<? extends EventPayload> payloadType) {
        this(wireName, payloadType, 1);
    }

    EventType(String wireName, Class<? extends EventPayload> payloadType, int payloadVersion) {
        this.wireName = wireName;
        this.payloadType = payloadType;
        this.payloadVersion = payloadVersion;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The record of this type's payload. */
    public Class<? extends EventPayload> payloadType() {
        return payloadType;
    }

    /**
     * The version of {@link #payloadType()} this build writes and reads: an envelope's {@code v} (absent = 1) above
     * it is refused by {@link EventPayloads#read}.
     */
    public int payloadVersion() {
        return payloadVersion;
    }

    /** The type whose payload record is {@code payloadType}. */
    public static EventType of(Class<? extends EventPayload> payloadType) {
        for (EventType type : values()) {
            if (type.payloadType == payloadType) {
                return type;
            }
        }
        throw new IllegalArgumentException("no event type for " + payloadType.getName());
    }

    @JsonCreator
    public static EventType fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown event type: " + name);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
