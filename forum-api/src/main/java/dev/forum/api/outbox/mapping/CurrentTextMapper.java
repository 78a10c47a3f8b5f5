package dev.forum.api.outbox.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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

    private record CurrentText(String content, String contentHtml, Timestamp editedAt) {
    }

    /** Rewrites the message payloads of {@code events} in place, reading on {@code connection}. */
    public void withCurrentText(Connection connection, List<EventEnvelope> events) throws SQLException {
        List<ObjectNode> messages = new ArrayList<>();
        for (EventEnvelope event : events) {
            if ((event.type() == EventType.NEW_MESSAGE || event.type() == EventType.MESSAGE_EDITED)
                    && event.payload() != null && event.payload().get("message") instanceof ObjectNode message
                    && message.hasNonNull("id")) {
                messages.add(message);
            }
        }
        if (messages.isEmpty()) {
            return;
        }
        Map<Long, CurrentText> current = findCurrentText(connection,
                messages.stream().map(m -> m.get("id").asLong()).distinct().toArray(Long[]::new));
        for (ObjectNode message : messages) {
            CurrentText text = current.get(message.get("id").asLong());
            if (text == null) {
                message.put("content", "").put("content_html", "").put("is_deleted", true);
            } else {
                message.put("content", text.content()).put("content_html", text.contentHtml())
                        .put("is_edited", text.editedAt() != null);
                if (text.editedAt() != null) {
                    message.set("edited_at", json.valueToTree(text.editedAt().toInstant()));
                }
            }
        }
    }

    private static Map<Long, CurrentText> findCurrentText(Connection connection, Long[] ids) throws SQLException {
        Map<Long, CurrentText> current = new HashMap<>();
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT id, content, content_html, edited_at FROM forum_message WHERE id = ANY(?)")) {
            st.setArray(1, connection.createArrayOf("bigint", ids));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    current.put(rs.getLong(1), new CurrentText(rs.getString(2), rs.getString(3), rs.getTimestamp(4)));
                }
            }
        }
        return current;
    }
}
