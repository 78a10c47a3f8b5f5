package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Waiting until clients hold every event the feed has for their threads, then counting. */
final class Delivery {

    private Delivery() {
    }

    /** The feed's thread events after {@code after}, per thread. */
    static Map<Long, List<JsonNode>> expected(ForumHttp http, Ledger.Moment after, long... threadIds) {
        Map<Long, List<JsonNode>> expected = new LinkedHashMap<>();
        for (long threadId : threadIds) {
            expected.put(threadId, Ledger.threadEvents(http, threadId, after));
        }
        return expected;
    }

    /**
     * Waits (up to {@code timeout}) until every client's frames cover {@code expected}; returns whether
     * they did. Never fails by itself: the caller counts and asserts.
     */
    static boolean awaitComplete(Map<Long, List<JsonNode>> expected, List<Supplier<List<JsonNode>>> clients,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean complete = clients.stream().allMatch(client -> {
                Tally probe = new Tally("probe");
                Ledger.compare(probe, expected, client.get());
                return probe.lost() == 0;
            });
            if (complete || System.nanoTime() > deadline) {
                return complete;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Counts every client against {@code expected} into {@code tally}. */
    static Tally count(Tally tally, Map<Long, List<JsonNode>> expected, List<Supplier<List<JsonNode>>> clients) {
        for (Supplier<List<JsonNode>> client : clients) {
            Ledger.compare(tally, expected, client.get());
        }
        return tally;
    }
}
