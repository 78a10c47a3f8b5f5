package dev.forum.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * One page of one stream of forum-api's event feed ({@code GET /api/internal/events}): a shard's stream
 * ({@code ?shard=K}) or, without {@code shard}, the legacy global stream (events written before sharding).
 *
 * @param events         published events with {@code seq > after_seq}, in seq order
 * @param headSeq        the newest published seq of the stream when the page was read
 * @param oldestSeq      the oldest seq of the stream still kept; asking for less than {@code oldestSeq - 1}
 *                       means the gap cannot be replayed
 * @param resyncRequired true when {@code after_seq} is older than what is kept, or was asked in a shard epoch
 *                       forum-api does not keep (then {@code events} is empty)
 * @param shard          the page's shard ({@link EventShards}); absent on a page of the legacy global stream
 * @param shardEpoch          the shard epoch the page's seqs count in ({@code headSeq}, {@code oldestSeq}, the
 *                            events): the one asked for while forum-api still keeps it, else the current one; absent
 *                            on a page of the legacy global stream
 * @param shardCount          the shard count of that epoch; absent on a page of the legacy global stream
 * @param currentShardEpoch   present only on a page of an older epoch than the current one (asked for by a consumer
 *                            finishing it): the current epoch, which the consumer moves on to once the old one is
 *                            read to its end (it gets no new events)
 * @param currentShardCount   the current epoch's shard count, with {@code currentShardEpoch}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventPage(List<EventEnvelope> events, long headSeq, long oldestSeq, boolean resyncRequired,
                        Integer shard, Integer shardEpoch, Integer shardCount, Integer currentShardEpoch,
                        Integer currentShardCount) {

    /** Where forum-api serves the pages (with the {@link AuthContract#INTERNAL_TOKEN_HEADER}). */
    public static final String PATH = "/api/internal/events";

    /** A page of the legacy global stream (no shard fields). */
    public EventPage(List<EventEnvelope> events, long headSeq, long oldestSeq, boolean resyncRequired) {
        this(events, headSeq, oldestSeq, resyncRequired, null, null, null, null, null);
    }

    /** A page of a shard's stream in the current epoch. */
    public EventPage(List<EventEnvelope> events, long headSeq, long oldestSeq, boolean resyncRequired,
                     Integer shard, Integer shardEpoch, Integer shardCount) {
        this(events, headSeq, oldestSeq, resyncRequired, shard, shardEpoch, shardCount, null, null);
    }

    /** The current shard epoch: {@link #currentShardEpoch} on a page of an older one, else the page's own. */
    public Integer latestShardEpoch() {
        return currentShardEpoch != null ? currentShardEpoch : shardEpoch;
    }
}
