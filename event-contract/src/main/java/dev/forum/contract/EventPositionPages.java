package dev.forum.contract;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * The answer to {@link EventPositions}: one {@link EventPage} per requested shard, in ascending shard order, each
 * with its {@code shard}, even when it has no events (so the caller learns every head).
 *
 * @param shardEpoch the current shard epoch
 * @param shardCount the shard count of that epoch
 * @param pages      a page per requested shard
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventPositionPages(int shardEpoch, int shardCount, List<EventPage> pages) {
}
