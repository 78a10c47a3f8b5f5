package dev.forum.notify.notification;

/** A notification before it has recipients: the same text for everyone it goes to. */
public record NotificationDraft(String type, String title, String content, Long threadId, Long messageId,
        Actor actor) {
}
