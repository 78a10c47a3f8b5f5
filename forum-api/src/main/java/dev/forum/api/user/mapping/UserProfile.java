package dev.forum.api.user.mapping;

import dev.forum.contract.Role;

import java.time.Instant;
import java.util.List;

/** A user's public card: who they are and their latest posts the viewer may read. */
public record UserProfile(long id, String username, String displayName, Role role, Instant createdAt,
                          List<RecentPost> recentPosts) {

    /** {@code excerpt}: the start of the message's Markdown, as text. */
    public record RecentPost(long messageId, long threadId, String threadTitle, String excerpt, Instant createdAt) {
    }
}
