package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.ServiceProcess;
import dev.forum.system.WsClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A v2 client that survives its gateway: it keeps every thread event it received (over all its
 * connections, in arrival order) and, when its connection ends, reconnects to the next replica that
 * accepts it and re-subscribes each thread with the {@code last_event_id} it saw there, as the browser
 * client does. Call {@link #pump()} often (a scenario's monitor thread does): it harvests frames and
 * reconnects when needed.
 */
final class ResumingClient implements AutoCloseable {

    private static final Duration CONNECT_DEADLINE = Duration.ofSeconds(60);

    private final String name;
    private final List<ServiceProcess> replicas;
    private final Session session;
    private final long[] threadIds;
    private final List<JsonNode> events = new ArrayList<>();
    private final Map<Long, String> lastEventIds = new LinkedHashMap<>();
    private final List<String> anomalies = new ArrayList<>();
    private WsClient current;
    private int harvested;
    private int replica;
    private int connections;
    private volatile boolean closed;

    ResumingClient(String name, List<ServiceProcess> replicas, int preferred, Session session, long... threadIds) {
        this.name = name;
        this.replicas = List.copyOf(replicas);
        this.session = session;
        this.threadIds = threadIds.clone();
        this.replica = preferred % replicas.size();
        connect();
    }

    /** Harvests new frames; reconnects (resuming) if the connection has ended. */
    synchronized void pump() {
        if (closed) {
            return;
        }
        harvest();
        if (current.isClosed()) {
            replica = (replica + 1) % replicas.size();
            connect();
        }
    }

    /** Thread events received so far, in arrival order, over every connection. */
    synchronized List<JsonNode> events() {
        harvest();
        return List.copyOf(events);
    }

    /** Connections opened (1 + reconnects). */
    synchronized int connections() {
        return connections;
    }

    /** resync_required or error frames seen: the promise is that there are none. */
    synchronized List<String> anomalies() {
        return List.copyOf(anomalies);
    }

    String name() {
        return name;
    }

    private void harvest() {
        if (current == null) {
            return;
        }
        List<JsonNode> frames = current.frames();
        for (int i = harvested; i < frames.size(); i++) {
            JsonNode frame = frames.get(i);
            String type = frame.path("type").asText();
            if ("resync_required".equals(type) || "error".equals(type) || "subscription_revoked".equals(type)) {
                anomalies.add(frame.toString());
            }
            if (frame.has("seq") && frame.has("thread_id")) {
                events.add(frame);
                lastEventIds.put(frame.path("thread_id").asLong(), frame.path("event_id").asText());
            }
        }
        harvested = frames.size();
    }

    /** Opens a connection on the current replica or the next ones until one accepts, then (re)subscribes. */
    private void connect() {
        long deadline = System.nanoTime() + CONNECT_DEADLINE.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            ServiceProcess target = replicas.get(replica);
            try {
                WsClient client = WsClient.connect(target.wsUri(Wire.V2), session.token());
                client.awaitType("connected", Wire.WAIT);
                for (long threadId : threadIds) {
                    String lastEventId = lastEventIds.get(threadId);
                    if (lastEventId == null) {
                        client.subscribe(threadId);
                    } else {
                        client.subscribe(threadId, lastEventId);
                    }
                }
                current = client;
                harvested = 0;
                connections++;
                return;
            } catch (RuntimeException | AssertionError e) {
                last = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                replica = (replica + 1) % replicas.size();
                sleep(100);
            }
        }
        throw new IllegalStateException(name + " could not reconnect to any replica", last);
    }

    /** Waits until every thread is subscribed on the current connection. */
    void awaitSubscribed() {
        WsClient client;
        synchronized (this) {
            client = current;
        }
        for (long threadId : threadIds) {
            client.await(Wire.type("subscribed", threadId), Wire.WAIT);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        harvest();
        if (current != null) {
            current.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
