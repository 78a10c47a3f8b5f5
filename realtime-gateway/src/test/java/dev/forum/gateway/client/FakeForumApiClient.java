package dev.forum.gateway.client;

import dev.forum.common.auth.AuthMeApi;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.ThreadAccess;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * forum-api as the gateway's REST clients see it, in memory: counts the calls, knows the valid tokens,
 * and answers event look-ups only when the test completes them (so a replay can be held mid-way).
 */
public final class FakeForumApiClient implements ForumApiClient, AuthMeApi {

    public final AtomicInteger meCalls = new AtomicInteger();
    public final AtomicInteger eventCalls = new AtomicInteger();
    public final AtomicInteger eventsCalls = new AtomicInteger();
    public final Map<String, CurrentUser> validTokens = new ConcurrentHashMap<>();
    /** Threads forum-api knows; any other is 404. */
    public final Map<Long, ThreadAccess> threads = new ConcurrentHashMap<>();
    /** The answer to every event-by-id look-up; complete it to let replays go on. */
    public final CompletableFuture<EventEnvelope> eventAnswer = new CompletableFuture<>();
    public volatile EventPage eventsAnswer = new EventPage(List.of(), 0, 0, false);
    /**
     * forum-api's event feed, when a test fills it: pages are then cut from it by {@code after_seq}, thread and
     * limit (instead of {@link #eventsAnswer}), and an event look-up finds its events by id.
     */
    public final List<EventEnvelope> feed = new CopyOnWriteArrayList<>();
    /** The feed no longer keeps what a page asks for: {@code resync_required}. */
    public volatile boolean feedPurged;

    @Override
    public Uni<RestResponse<CurrentUser>> me(String authorization) {
        meCalls.incrementAndGet();
        CurrentUser user = validTokens.get(authorization.substring("Bearer ".length()));
        if (user == null) {
            return Uni.createFrom().failure(new WebApplicationException(401));
        }
        return Uni.createFrom().item(RestResponse.ok(user));
    }

    @Override
    public Uni<ThreadAccess> threadAccess(long threadId, String internalToken) {
        ThreadAccess access = threads.get(threadId);
        if (access != null) {
            return Uni.createFrom().item(access);
        }
        return Uni.createFrom().failure(new WebApplicationException(404));
    }

    @Override
    public Uni<EventPage> events(long afterSeq, Long threadId, int limit, String internalToken) {
        eventsCalls.incrementAndGet();
        if (feed.isEmpty() && !feedPurged) {
            return Uni.createFrom().item(eventsAnswer);
        }
        long head = feed.stream().mapToLong(EventEnvelope::seq).max().orElse(0);
        List<EventEnvelope> page = feed.stream()
                .filter(e -> e.seq() > afterSeq && (threadId == null || threadId.equals(e.threadId())))
                .sorted(Comparator.comparingLong(EventEnvelope::seq))
                .limit(limit).toList();
        return Uni.createFrom().item(new EventPage(feedPurged ? List.of() : page, head, 1, feedPurged));
    }

    @Override
    public Uni<EventEnvelope> event(String eventId, String internalToken) {
        eventCalls.incrementAndGet();
        for (EventEnvelope event : feed) {
            if (event.eventId().toString().equals(eventId)) {
                return Uni.createFrom().item(event);
            }
        }
        return Uni.createFrom().completionStage(eventAnswer);
    }
}
