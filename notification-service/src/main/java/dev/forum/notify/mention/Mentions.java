package dev.forum.notify.mention;

import java.util.Set;

/**
 * What a message's content mentions.
 *
 * @param usernames lowercased usernames of {@code @username} mentions (never {@code team} or {@code everyone})
 * @param team      whether {@code @team} (moderators and admins) is mentioned
 * @param everyone  whether {@code @everyone} is mentioned
 */
public record Mentions(Set<String> usernames, boolean team, boolean everyone) {

    public static final Mentions NONE = new Mentions(Set.of(), false, false);

    public boolean isEmpty() {
        return usernames.isEmpty() && !team && !everyone;
    }
}
