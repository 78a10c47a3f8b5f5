package dev.forum.api.message;

import dev.forum.api.thread.ForumThread;
import dev.forum.api.user.User;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

@Entity
@Table(name = "forum_message")
public class Message extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "thread_id")
    public ForumThread thread;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "user_id")
    public User author;

    public String content;

    @Column(name = "content_html")
    public String contentHtml;

    @Column(name = "reply_to_id")
    public Long replyToId;

    @Column(name = "like_count")
    public int likeCount;

    @Column(name = "spawned_thread_count")
    public int spawnedThreadCount;

    @Column(name = "edited_at")
    public Instant editedAt;

    @Column(name = "created_at")
    public Instant createdAt;

    /** A page of a thread's messages, oldest first, after the given id. */
    public static List<Message> listPage(long threadId, long afterId, int limit) {
        return find("select m from Message m join fetch m.author where m.thread.id = ?1 and m.id > ?2 order by m.id",
                threadId, afterId).page(0, limit).list();
    }

    /** The {@code limit} messages immediately before {@code beforeId}, newest first (the caller reverses them). */
    public static List<Message> listPageBefore(long threadId, long beforeId, int limit) {
        return find("select m from Message m join fetch m.author where m.thread.id = ?1 and m.id < ?2 order by m.id desc",
                threadId, beforeId).page(0, limit).list();
    }

    /** Whether the thread has a message with an id in [fromId, toId]. */
    public static boolean existsBetween(long threadId, long fromId, long toId) {
        return count("thread.id = ?1 and id >= ?2 and id <= ?3", threadId, fromId, toId) > 0;
    }

    /** Which of these messages the user liked. */
    public static Set<Long> likedBy(long userId, List<Long> messageIds) {
        if (messageIds.isEmpty()) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<Number> rows = getEntityManager()
                .createNativeQuery("SELECT message_id FROM message_like WHERE user_id = :user AND message_id IN (:ids)")
                .setParameter("user", userId).setParameter("ids", messageIds).getResultList();
        return rows.stream().map(Number::longValue).collect(Collectors.toSet());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message other && id != null && Objects.equals(id, other.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
