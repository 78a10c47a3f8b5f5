package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Posts messages at a steady rate over HTTP, round-robin over threads and authors, each with a unique
 * marker ({@code post-<n>}) so that a receiver can tell when its request was sent: latency is measured
 * from the moment the POST request is sent to the frame's arrival at a client.
 */
final class Poster implements AutoCloseable {

    private static final Pattern MARKER = Pattern.compile("post-(\\d+)");

    private final ForumHttp http;
    private final List<Session> authors;
    private final long[] threadIds;
    private final ScheduledExecutorService executor;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<Long, Long> sentNanos = new ConcurrentHashMap<>();
    private final Map<Long, Long> threadOf = new ConcurrentHashMap<>();
    private volatile String lastFailure;
    private volatile String contentPrefix = "";

    Poster(ForumHttp http, List<Session> authors, long... threadIds) {
        this.http = http;
        this.authors = List.copyOf(authors);
        this.threadIds = threadIds.clone();
        this.executor = Executors.newScheduledThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "poster");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Text put before each marker (e.g. a mention). */
    Poster contentPrefix(String prefix) {
        this.contentPrefix = prefix;
        return this;
    }

    /** Starts posting {@code perSecond} messages per second, spread over 4 posting threads. */
    Poster start(double perSecond) {
        long periodMicros = (long) (4_000_000 / perSecond);
        for (int i = 0; i < 4; i++) {
            executor.scheduleAtFixedRate(this::postOne, i * periodMicros / 4, periodMicros, TimeUnit.MICROSECONDS);
        }
        return this;
    }

    private void postOne() {
        long n = next.getAndIncrement();
        long threadId = threadIds[(int) (n % threadIds.length)];
        Session author = authors.get((int) (n % authors.size()));
        sentNanos.put(n, System.nanoTime());
        threadOf.put(n, threadId);
        try {
            http.postMessage(author, threadId, contentPrefix + "post-" + n);
            sent.incrementAndGet();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            lastFailure = e.getMessage();
        }
    }

    /** Stops posting and waits for requests in flight. */
    void stop() {
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until forum-api accepted {@code count} more messages from this poster: a scenario's phase is measured in
     * posts, not in time, so a slow machine lengthens it instead of thinning it.
     */
    void awaitMorePosts(long count) {
        long target = sent() + count;
        await().atMost(Duration.ofSeconds(120)).until(() -> sent() >= target);
    }

    /** Messages forum-api accepted. */
    long sent() {
        return sent.get();
    }

    /** Requests that failed (forum-api answered an error or was unreachable). */
    long failed() {
        return failed.get();
    }

    String lastFailure() {
        return lastFailure;
    }

    /** Microseconds from the POST being sent to {@code receivedNanos}, or -1 if the content is not ours. */
    long latencyMicros(String content, long receivedNanos) {
        Matcher matcher = MARKER.matcher(content);
        if (!matcher.find()) {
            return -1;
        }
        Long start = sentNanos.get(Long.parseLong(matcher.group(1)));
        return start == null ? -1 : (receivedNanos - start) / 1000;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Latency of the new_message frames after {@code from} and up to {@code to}, on every client. */
    void recordLatencies(List<LoadClient> clients, Ledger.Moment from, Ledger.Moment to, Tally tally) {
        for (LoadClient client : clients) {
            for (LoadClient.Received received : client.received()) {
                JsonNode frame = received.frame();
                long thread = frame.path("thread_id").asLong();
                if ("new_message".equals(frame.path("type").asText()) && from.isBefore(thread, frame)
                        && !to.isBefore(thread, frame)) {
                    long micros = latencyMicros(frame.path("message").path("content").asText(),
                            received.nanos());
                    if (micros >= 0) {
                        tally.latencyMicros(micros);
                    }
                }
            }
        }
    }

}
