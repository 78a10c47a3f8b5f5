package dev.forum.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * The body of {@code POST /api/internal/events/positions}: where a consumer stands in several shards of one epoch,
 * so that it reads all of them in one request (a gateway or the notification service polls once per interval, not
 * once per shard). The answer is {@link EventPositionPages}.
 *
 * @param shardEpoch the epoch the positions count in; absent means the current one. An older epoch is served
 *                   while forum-api keeps its rows (pages of that epoch, naming the current one in
 *                   {@code current_shard_epoch}; it gets no new events); in an epoch forum-api does not know, or
 *                   that was purged past a position, the page says {@code resync_required}, with no events
 * @param positions  shard ({@link EventShards}, the forum shard is -1) to the last seq the consumer has; events with
 *                   a greater seq are returned (0: from the start). JSON object keys are the shard numbers as text,
 *                   e.g. {@code {"3": 120, "-1": 55}}
 * @param limit      at most this many events per page (per shard); absent means the feed's default
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventPositions(Integer shardEpoch, Map<Integer, Long> positions, Integer limit) {

    /** Where forum-api answers (POST, with the {@link AuthContract#INTERNAL_TOKEN_HEADER}). */
    public static final String PATH = EventPage.PATH + "/positions";
}
