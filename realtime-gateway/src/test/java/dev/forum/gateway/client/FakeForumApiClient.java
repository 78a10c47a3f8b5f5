package dev.forum.gateway.client;

import dev.forum.common.auth.AuthMeApi;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.ThreadAccess;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
    /** The answer to every event-by-id look-up; complete it to let replays go on. */
    public final CompletableFuture<EventEnvelope> eventAnswer = new CompletableFuture<>();
    public volatile EventPage eventsAnswer = new EventPage(java.util.List.of(), 0, 0, false);

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
        return Uni.createFrom().failure(new WebApplicationException(404));
    }

    @Override
    public Uni<EventPage> events(long afterSeq, Long threadId, int limit, String internalToken) {
        eventsCalls.incrementAndGet();
        return Uni.createFrom().item(eventsAnswer);
    }

    @Override
    public Uni<EventEnvelope> event(String eventId, String internalToken) {
        eventCalls.incrementAndGet();
        return Uni.createFrom().completionStage(eventAnswer);
    }
}
