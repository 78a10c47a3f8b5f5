package dev.forum.api.thread.mapping;

import dev.forum.api.thread.ForumThread;
import dev.forum.common.error.ApiException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** The opaque keyset cursor of the thread list: the sort key (pinned, last activity, id) of the last row. */
public record ThreadCursor(boolean pinned, Instant lastActivityAt, long id) {

    public static ThreadCursor after(ForumThread t) {
        return new ThreadCursor(t.pinned, t.lastActivityAt, t.id);
    }

    public String encode() {
        String raw = (pinned ? 1 : 0) + ":" + lastActivityAt.getEpochSecond() + ":" + lastActivityAt.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static ThreadCursor decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
            if (parts.length != 4) {
                throw new IllegalArgumentException();
            }
            return new ThreadCursor("1".equals(parts[0]),
                    Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2])),
                    Long.parseLong(parts[3]));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("validation_failed", "cursor is not valid", "cursor");
        }
    }
}
