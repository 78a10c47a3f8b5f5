package dev.forum.api.message.mapping;

import dev.forum.api.message.Message;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** A message on the wire (REST and the {@code new_message} payload). */
public record MessageView(long id, long threadId, long userId, String username, String content, String contentHtml,
                          Long replyToId, int likeCount, int spawnedThreadCount, boolean isEdited, Instant editedAt,
                          Instant createdAt, Boolean isLiked) {

    /** The view without the caller-specific {@code is_liked} (events, write responses). */
    public static MessageView of(Message m) {
        return of(m, null);
    }

    /** The view for one reader: {@code is_liked} says whether they liked it. */
    public static MessageView of(Message m, Boolean likedByReader) {
        return of(m, m.author.id, m.author.username, likedByReader);
    }

    /** The view with the author given (the message's author entity may be an unloaded reference). */
    public static MessageView of(Message m, long authorId, String authorUsername, Boolean likedByReader) {
        return new MessageView(m.id, m.thread.id, authorId, authorUsername, m.content, m.contentHtml,
                m.replyToId, m.likeCount, m.spawnedThreadCount, m.editedAt != null, m.editedAt, m.createdAt,
                likedByReader);
    }

    /** Views of a page of messages for one reader. */
    public static List<MessageView> forReader(List<Message> messages, long readerId) {
        Set<Long> liked = Message.likedBy(readerId, messages.stream().map(m -> m.id).toList());
        return messages.stream().map(m -> of(m, liked.contains(m.id))).toList();
    }
}
