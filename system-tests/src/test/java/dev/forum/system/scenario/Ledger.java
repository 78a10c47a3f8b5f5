package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The source of truth for "what should a subscriber have received": forum-api's event feed (every
 * committed event with its seq). Compares what clients received against it: lost, duplicated, out of
 * order, and events of other threads (leaks).
 */
final class Ledger {

    private Ledger() {
    }

    /** The feed's current head seq. */
    static long headSeq(ForumHttp http) {
        return http.events(Long.MAX_VALUE - 1, null).path("head_seq").asLong();
    }

    /**
     * The feed's head seq once the relay has numbered the given threads' creation events. The relay
     * numbers committed events asynchronously, so the head read right after a create may not include
     * them yet; counting from a stale head would expect events that happened before a client subscribed.
     */
    static long headSeqIncluding(ForumHttp http, long... threadIds) {
        for (long threadId : threadIds) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> !threadEvents(http, threadId, 0).isEmpty());
        }
        return headSeq(http);
    }

    /** Every thread-audience event of a thread with seq > afterSeq, in seq order (pages through the feed). */
    static List<JsonNode> threadEvents(ForumHttp http, long threadId, long afterSeq) {
        List<JsonNode> events = new ArrayList<>();
        long after = afterSeq;
        while (true) {
            JsonNode page = http.events(after, threadId);
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
