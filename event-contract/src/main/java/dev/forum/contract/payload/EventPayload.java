package dev.forum.contract.payload;

/**
 * The payload of one event type: one record per type, the type's wire name mapped to its record by
 * {@link dev.forum.contract.EventType#payloadType()}. Field names are snake_case on the wire; null fields are
 * omitted unless a record says otherwise. How a payload may change is in docs/events.md ("Versions").
 */
public sealed interface EventPayload permits NewMessage, MessageEdited, MessagesDeleted, MessageLiked, MessageUnliked,
        ThreadUpdated, ThreadDeleted, MessageThreadCountUpdated, NewThreadCreated, NewSubThreadCreated,
        EveryoneRestricted, EveryoneUnrestricted, EveryoneMentionDisabled, EveryoneMentionEnabled, UserTyping,
        ForumNotification, ForumNotificationCount, UnreadCountUpdated, UnreadCountsChanged, TeamMention,
        EveryoneMention, UserRegistered, UserUpdated, SessionRevoked, ThreadFollowed, ThreadUnfollowed {
}
