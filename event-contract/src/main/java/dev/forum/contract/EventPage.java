package dev.forum.contract;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * One page of forum-api's event feed ({@code GET /api/internal/events}).
 *
 * @param events         published events with {@code seq > after_seq}, in seq order
 * @param headSeq        the newest published seq when the page was read
 * @param oldestSeq      the oldest seq still kept; asking for less than {@code oldestSeq - 1}
 *                       means the gap cannot be replayed
 * @param resyncRequired true when {@code after_seq} is older than what is kept
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventPage(List<EventEnvelope> events, long headSeq, long oldestSeq, boolean resyncRequired) {

    /** Where forum-api serves the pages (with the {@link AuthContract#INTERNAL_TOKEN_HEADER}). */
    public static final String PATH = "/api/internal/events";
}
