package dev.forum.contract;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The answer of {@code GET /api/internal/events/heads}: the current shard epoch and the sum of its shards' heads
 * (each shard's {@code head_seq}). Every shard's stream counts from 1 without gaps and a consumer's position in a
 * shard is never past its head, so a consumer whose positions in this epoch sum to {@code headSum} (summed before
 * it asked) has every event of every shard: it checks that it missed nothing with one constant-size request,
 * whatever the number of shards, and reads the pages ({@link EventPositions}) only when the sums differ.
 *
 * @param shardEpoch the current shard epoch
 * @param shardCount the shard count of that epoch
 * @param headSum    the heads of the epoch's shards (the forum shard -1 and 0..N-1), summed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventHeads(int shardEpoch, int shardCount, long headSum) {

    /** Where forum-api answers (GET, with the {@link AuthContract#INTERNAL_TOKEN_HEADER}). */
    public static final String PATH = EventPage.PATH + "/heads";
}
