package dev.forum.api.outbox.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import dev.forum.contract.payload.EditedMessage;
import dev.forum.contract.payload.EventPayload;
import dev.forum.contract.payload.MessageEdited;
import dev.forum.contract.payload.MessageView;
import dev.forum.contract.payload.NewMessage;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the current text of each message into the {@code new_message} and {@code message_edited} events the feed
 * serves, so that a replay never brings back text that was deleted or replaced (docs/events.md, "Withdrawn text").
 * An outbox row keeps the text as it was written; the feed reads the message's current state in the same snapshot
 * as the page: a message that still exists gets its current {@code content}, {@code content_html},
 * {@code is_edited} and {@code edited_at}; a deleted one gets empty text and {@code is_deleted: true}. The events
 * themselves (ids, seq, order) are unchanged.
 */
@ApplicationScoped
public class CurrentTextMapper {

    private final ObjectMapper json;

    public CurrentTextMapper(ObjectMapper json) {
        this.json = json;
    }

    private record CurrentText(String content, String contentHtml, Instant editedAt) {
    }

    /** {@code events} with the current text in their message payloads, read on {@code connection}. */
    public List<EventEnvelope> withCurrentText(Connection connection, List<EventEnvelope> events)
            throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (EventEnvelope event : events) {
            if (event.type() == EventType.NEW_MESSAGE) {
                ids.add(EventPayloads.read(json, event, NewMessage.class).message().id());
            } else if (event.type() == EventType.MESSAGE_EDITED) {
                ids.add(EventPayloads.read(json, event, MessageEdited.class).message().id());
            }
        }
        if (ids.isEmpty()) {
            return events;
        }
        Map<Long, CurrentText> current = findCurrentText(connection, ids.stream().distinct().toArray(Long[]::new));
        List<EventEnvelope> withCurrent = new ArrayList<>(events.size());
        for (EventEnvelope event : events) {
            EventPayload payload = null;
            if (event.type() == EventType.NEW_MESSAGE) {
                MessageView m = EventPayloads.read(json, event, NewMessage.class).message();
                CurrentText text = current.get(m.id());
                payload = new NewMessage(text == null
                        ? new MessageView(m.id(), m.threadId(), m.userId(), m.username(), "", "", m.replyToId(),
                                m.likeCount(), m.spawnedThreadCount(), m.isEdited(), m.editedAt(), m.createdAt(), true)
                        : new MessageView(m.id(), m.threadId(), m.userId(), m.username(), text.content(),
                                text.contentHtml(), m.replyToId(), m.likeCount(), m.spawnedThreadCount(),
                                text.editedAt() != null, editedAt(text, m.editedAt()), m.createdAt(), m.isDeleted()));
            } else if (event.type() == EventType.MESSAGE_EDITED) {
                EditedMessage m = EventPayloads.read(json, event, MessageEdited.class).message();
                CurrentText text = current.get(m.id());
                payload = new MessageEdited(text == null
                        ? new EditedMessage(m.id(), "", "", m.isEdited(), m.editedAt(), true)
                        : new EditedMessage(m.id(), text.content(), text.contentHtml(), text.editedAt() != null,
                                editedAt(text, m.editedAt()), m.isDeleted()));
            }
            withCurrent.add(payload == null ? event : event.withPayload(EventPayloads.tree(json, payload)));
        }
        return withCurrent;
    }

    private static Instant editedAt(CurrentText text, Instant written) {
        return text.editedAt() != null ? text.editedAt() : written;
    }

    private static Map<Long, CurrentText> findCurrentText(Connection connection, Long[] ids) throws SQLException {
        Map<Long, CurrentText> current = new HashMap<>();
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT id, content, content_html, edited_at FROM forum_message WHERE id = ANY(?)")) {
            st.setArray(1, connection.createArrayOf("bigint", ids));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    java.sql.Timestamp editedAt = rs.getTimestamp(4);
                    current.put(rs.getLong(1), new CurrentText(rs.getString(2), rs.getString(3),
                            editedAt == null ? null : editedAt.toInstant()));
                }
            }
        }
        return current;
    }
}
