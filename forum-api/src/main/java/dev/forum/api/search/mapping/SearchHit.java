package dev.forum.api.search.mapping;

import java.time.Instant;

/**
 * One search result: a thread whose title matched ({@code kind} {@code thread}, no {@code message_id}) or a message
 * ({@code kind} {@code message}). {@code snippet_html} is the matching text with the matched words in
 * {@code <mark>}; everything else in it is escaped text (see {@link Snippets}).
 */
public record SearchHit(String kind, long threadId, String threadTitle, Long messageId, long userId, String username,
                        String displayName, Instant createdAt, String snippetHtml) {
}
