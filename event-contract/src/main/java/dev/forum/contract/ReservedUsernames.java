package dev.forum.contract;

import java.util.Locale;
import java.util.Set;

/**
 * Usernames no one may register: the mention keywords ({@code @team}, {@code @everyone}) the notification service
 * expands, and names that would pass for the platform or its staff.
 */
public final class ReservedUsernames {

    public static final String TEAM = "team";
    public static final String EVERYONE = "everyone";

    private static final Set<String> RESERVED = Set.of(TEAM, EVERYONE, "here", "all", "channel", "admin",
            "admins", "administrator", "moderator", "moderators", "mod", "mods", "staff", "system", "root", "support",
            "forum", "security", "null", "undefined");

    private ReservedUsernames() {
    }

    /** Whether the name is reserved (case-insensitive). */
    public static boolean isReserved(String username) {
        return username != null && RESERVED.contains(username.strip().toLowerCase(Locale.ROOT));
    }
}
