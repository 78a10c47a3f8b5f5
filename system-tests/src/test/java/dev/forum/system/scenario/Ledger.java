package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The source of truth for "what should a subscriber have received": forum-api's event feed (every
 * committed event with its seq in its shard's stream). Compares what clients received against it: lost,
 * duplicated, out of order, and events of other threads (leaks).
 */
final class Ledger {

    /**
     * Where every shard's stream stood at one moment: the feed's head of each shard (forum-api numbers events
     * per shard, so there is no single global position). A thread's events are all in one shard, so "after this
     * moment" for a thread means a seq above its shard's head.
     */
    record Moment(Map<Integer, Long> heads, int shardCount) {

        /** After every event: no event is past it. */
        static final Moment END = new Moment(null, 1);

        /** The last seq of the thread's shard at this moment. */
        long of(long threadId) {
            return heads == null ? Long.MAX_VALUE
                    : heads.getOrDefault((int) Math.floorMod(threadId, (long) shardCount), 0L);
        }

        /** Whether the event or frame of this thread (with its seq) came after this moment. */
        boolean isBefore(long threadId, JsonNode eventOrFrame) {
            return eventOrFrame.path("seq").asLong() > of(threadId);
        }
    }

    private Ledger() {
    }

    /** The feed's heads now, every shard's, in one snapshot. */
    static Moment now(ForumHttp http) {
        int shards = http.eventShardCount();
        Map<Integer, Long> positions = new HashMap<>();
        for (int shard = -1; shard < shards; shard++) {
            positions.put(shard, 0L);
        }
        Map<Integer, Long> heads = new HashMap<>();
        for (JsonNode page : http.eventPositions(positions, 1).path("pages")) {
            heads.put(page.path("shard").asInt(), page.path("head_seq").asLong());
        }
        return new Moment(heads, shards);
    }

    /**
     * The feed's heads once the relay has numbered the given threads' creation events. The relay
     * numbers committed events asynchronously, so the heads read right after a create may not include
     * them yet; counting from a stale head would expect events that happened before a client subscribed.
     */
    static Moment nowIncluding(ForumHttp http, long... threadIds) {
        for (long threadId : threadIds) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> !threadEvents(http, threadId, 0).isEmpty());
        }
        return now(http);
    }

    /** Every thread-audience event of a thread after {@code moment}, in seq order (pages through the feed). */
    static List<JsonNode> threadEvents(ForumHttp http, long threadId, Moment moment) {
        return threadEvents(http, threadId, moment.of(threadId));
    }

    /**
     * Every thread-audience event of a thread with seq > afterSeq in its shard's stream, in seq order (pages
     * through the feed).
     */
    static List<JsonNode> threadEvents(ForumHttp http, long threadId, long afterSeq) {
        List<JsonNode> events = new ArrayList<>();
        long after = afterSeq;
        while (true) {
            JsonNode page = http.threadEvents(threadId, after);
            JsonNode batch = page.path("events");
            for (JsonNode event : batch) {
                after = Math.max(after, event.path("seq").asLong());
                if ("thread".equals(event.path("audience").asText())) {
                    events.add(event);
                }
            }
            if (batch.size() < 1000) {
                return events;
            }
        }
    }

    /** The events of each thread after {@code from} and up to {@code to}. */
    static Map<Long, List<JsonNode>> slice(Map<Long, List<JsonNode>> events, Moment from, Moment to) {
        Map<Long, List<JsonNode>> slice = new LinkedHashMap<>();
        events.forEach((thread, list) -> slice.put(thread, list.stream()
                .filter(e -> from.isBefore(thread, e) && !to.isBefore(thread, e)).toList()));
        return slice;
    }

    /**
     * Adds to the tally what one client received of the given threads compared with the feed:
     * expected = the feed's events, received = what arrived for those threads; plus frames of other
     * threads as leaks.
     */
    static void compare(Tally tally, Map<Long, List<JsonNode>> expectedByThread, List<JsonNode> received) {
        Map<Long, List<JsonNode>> receivedByThread = new HashMap<>();
        for (JsonNode frame : received) {
            if (!frame.has("seq") || "new_thread_created".equals(frame.path("type").asText())) {
                continue;
            }
            long threadId = frame.path("thread_id").asLong();
            if (!expectedByThread.containsKey(threadId)) {
                tally.leaked(1);
                continue;
            }
            receivedByThread.computeIfAbsent(threadId, id -> new ArrayList<>()).add(frame);
        }
        for (Map.Entry<Long, List<JsonNode>> entry : expectedByThread.entrySet()) {
            List<JsonNode> got = receivedByThread.getOrDefault(entry.getKey(), List.of());
            Set<String> expectedIds = new LinkedHashSet<>();
            entry.getValue().forEach(event -> expectedIds.add(event.path("event_id").asText()));
            Set<String> seen = new HashSet<>();
            long previousSeq = Long.MIN_VALUE;
            for (JsonNode frame : got) {
                String eventId = frame.path("event_id").asText();
                if (!seen.add(eventId)) {
                    tally.duplicated(1);
                    continue;
                }
                if (!expectedIds.contains(eventId)) {
                    continue;
                }
                long seq = frame.path("seq").asLong();
                if (seq < previousSeq) {
                    tally.outOfOrder(1);
                }
                previousSeq = Math.max(previousSeq, seq);
                tally.received(1);
            }
            tally.expected(expectedIds.size());
            expectedIds.removeAll(seen);
            tally.lost(expectedIds.size());
            for (JsonNode event : entry.getValue()) {
                if (expectedIds.contains(event.path("event_id").asText())) {
                    tally.lostSample("thread " + entry.getKey() + " seq " + event.path("seq").asLong() + " "
                            + event.path("type").asText() + " (client got " + got.size() + ")");
                }
            }
        }
    }
}
