package dev.forum.notify.notification;

/** The {@code type} of a notification row, by wire name. */
public final class NotificationType {

    public static final String MENTION = "mention";
    public static final String TEAM_MENTION = "team_mention";
    public static final String EVERYONE_MENTION = "everyone_mention";
    public static final String EVERYONE_REFUSED = "everyone_refused";
    public static final String REPLY = "reply";
    public static final String NEW_MESSAGE = "new_message";
    public static final String NEW_SUB_THREAD = "new_sub_thread";
    public static final String NEW_THREAD = "new_thread";

    private NotificationType() {
    }
}
