package dev.forum.api;

import dev.forum.contract.Audience;
import dev.forum.contract.EventShards;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.util.stream.LongStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** forum-api's event feed as a consumer reads it (internal token, the test profile's shard count). */
public final class EventFeed {

    /** forum.events.shard-count in the test profile (its default). */
    public static final int SHARDS = 16;

    private EventFeed() {
    }

    /** The shard of a thread's events (new messages, edits, likes...). */
    public static int shardOf(long threadId) {
        return EventShards.shardOf(Audience.THREAD, threadId, SHARDS);
    }

    /** A page of shard {@code shard}'s stream after {@code afterSeq} (up to 1000 events). */
    public static JsonPath shard(int shard, long afterSeq) {
        return internal().queryParam("shard", shard).queryParam("after_seq", afterSeq).queryParam("limit", 1000)
                .get("/api/internal/events").then().statusCode(200).extract().jsonPath();
    }

    /** Shard {@code shard}'s page after {@code afterSeq}, checked gap-free: its seqs are afterSeq + 1 to its head. */
    public static JsonPath gapFree(int shard, long afterSeq) {
        JsonPath feed = shard(shard, afterSeq);
        assertThat(feed.getList("events.seq", Long.class)).as("shard %d after %d", shard, afterSeq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(afterSeq + 1, feed.getLong("head_seq")).boxed().toList());
        return feed;
    }

    /** The forum shard's stream (new threads, user and session events...) after {@code afterSeq}. */
    public static JsonPath forum(long afterSeq) {
        return shard(EventShards.FORUM, afterSeq);
    }

    /** A thread's events in its shard after {@code afterSeq}. */
    public static JsonPath thread(long threadId, long afterSeq) {
        return internal().queryParam("shard", shardOf(threadId)).queryParam("thread_id", threadId)
                .queryParam("after_seq", afterSeq).queryParam("limit", 1000)
                .get("/api/internal/events").then().statusCode(200).extract().jsonPath();
    }

    public static RequestSpecification internal() {
        return given().header("X-Internal-Token", "test-internal-token");
    }
}
