package dev.forum.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Every event type, by its wire name. Client-facing names are the seeds' (the browser client
 * switches on them); the {@link Audience#INTERNAL} ones only travel between services.
 */
public enum EventType {
    NEW_MESSAGE("new_message"),
    MESSAGE_EDITED("message_edited"),
    MESSAGES_DELETED("messages_deleted"),
    MESSAGE_LIKED("message_liked"),
    MESSAGE_UNLIKED("message_unliked"),
    THREAD_UPDATED("thread_updated"),
    THREAD_DELETED("thread_deleted"),
    MESSAGE_THREAD_COUNT_UPDATED("message_thread_count_updated"),
    USER_TYPING("user_typing"),
    NEW_THREAD_CREATED("new_thread_created"),
    NEW_SUB_THREAD_CREATED("new_sub_thread_created"),
    FORUM_NOTIFICATION("forum_notification"),
    FORUM_NOTIFICATION_COUNT("forum_notification_count"),
    UNREAD_COUNT_UPDATED("unread_count_updated"),
    /** One broadcast for a mass change of unread counts: clients with unread ones in the thread refetch. */
    UNREAD_COUNTS_CHANGED("unread_counts_changed"),
    TEAM_MENTION("team_mention"),
    EVERYONE_MENTION("everyone_mention"),
    EVERYONE_RESTRICTED("everyone_restricted"),
    EVERYONE_UNRESTRICTED("everyone_unrestricted"),
    EVERYONE_MENTION_DISABLED("everyone_mention_disabled"),
    EVERYONE_MENTION_ENABLED("everyone_mention_enabled"),

    // Service-to-service facts; never written to a client socket.
    USER_REGISTERED("user_registered"),
    USER_UPDATED("user_updated"),
    SESSION_REVOKED("session_revoked"),
    THREAD_FOLLOWED("thread_followed"),
    THREAD_UNFOLLOWED("thread_unfollowed");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
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
