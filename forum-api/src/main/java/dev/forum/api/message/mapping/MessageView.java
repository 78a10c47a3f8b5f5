package dev.forum.api.message.mapping;

import dev.forum.api.message.Message;

import java.time.Instant;

/** A message on the wire (REST and the {@code new_message} payload). */
public record MessageView(long id, long threadId, long userId, String username, String content, String contentHtml,
                          Long replyToId, int likeCount, int spawnedThreadCount, boolean isEdited, Instant editedAt,
                          Instant createdAt) {

    public static MessageView of(Message m) {
        return new MessageView(m.id, m.thread.id, m.author.id, m.author.username, m.content, m.contentHtml,
                m.replyToId, m.likeCount, m.spawnedThreadCount, m.editedAt != null, m.editedAt, m.createdAt);
    }
}
