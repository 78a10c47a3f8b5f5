package dev.forum.gateway.client;

import dev.forum.common.auth.AuthMeApi;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositionPages;
import dev.forum.contract.EventPositions;
import dev.forum.contract.ThreadAccess;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * forum-api as the gateway's REST clients see it, in memory: counts the calls, knows the valid tokens,
 * and answers event look-ups only when the test completes them (so a replay can be held mid-way).
 * Its event feed is {@link #feed}, cut into pages per shard stream as forum-api does (an epoch older than
 * {@link #shardEpoch} is served, its pages naming the current one; a newer epoch asked for, or a purged feed:
 * {@code resync_required}).
 */
public final class FakeForumApiClient implements ForumApiClient, AuthMeApi {

    public final AtomicInteger meCalls = new AtomicInteger();
    public final AtomicInteger eventCalls = new AtomicInteger();
    public final AtomicInteger eventsCalls = new AtomicInteger();
    public final AtomicInteger positionsCalls = new AtomicInteger();
    /** Every shard a positions request asked for, in order. */
    public final List<Integer> shardsAsked = new CopyOnWriteArrayList<>();
    /** The shards of each positions request, in order. */
    public final List<Set<Integer>> positionRequests = new CopyOnWriteArrayList<>();
    public final Map<String, CurrentUser> validTokens = new ConcurrentHashMap<>();
    /** Threads forum-api knows; any other is 404. */
    public final Map<Long, ThreadAccess> threads = new ConcurrentHashMap<>();
    /** The answer to every look-up of an event that is not in the feed; complete it to let replays go on. */
    public final CompletableFuture<EventEnvelope> eventAnswer = new CompletableFuture<>();
    /** forum-api's published events, of every shard and epoch: pages are cut from it. */
    public final List<EventEnvelope> feed = new CopyOnWriteArrayList<>();
    /** A shard's head when the feed has nothing of it (events published before the test looked). */
    public final Map<Integer, Long> heads = new ConcurrentHashMap<>();
    public volatile int shardEpoch = 1;
    public volatile int shardCount = 16;
    /** The feed no longer keeps what a page asks for: {@code resync_required}. */
    public volatile boolean feedPurged;
    /** forum-api cannot answer feed requests. */
    public volatile boolean feedDown;

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
    public Uni<EventPage> events(int shard, Integer epoch, long afterSeq, Long threadId, int limit,
            String internalToken) {
        eventsCalls.incrementAndGet();
        if (feedDown) {
            return Uni.createFrom().failure(new WebApplicationException(503));
        }
        return Uni.createFrom().item(page(shard, epoch, afterSeq, threadId, limit));
    }

    @Override
    public Uni<EventPositionPages> positions(EventPositions positions, String internalToken) {
        positionsCalls.incrementAndGet();
        if (feedDown) {
            return Uni.createFrom().failure(new WebApplicationException(503));
        }
        int limit = positions.limit() == null ? 500 : positions.limit();
        Map<Integer, Long> ascending = new TreeMap<>(positions.positions());
        shardsAsked.addAll(ascending.keySet());
        positionRequests.add(Set.copyOf(ascending.keySet()));
        List<EventPage> pages = ascending.entrySet().stream()
                .map(p -> page(p.getKey(), positions.shardEpoch(), p.getValue(), null, limit)).toList();
        return Uni.createFrom().item(new EventPositionPages(shardEpoch, shardCount, pages));
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

    /** The current epoch's newest seq of a shard. */
    public long head(int shard) {
        return head(shard, shardEpoch);
    }

    private long head(int shard, int epoch) {
        return feed.stream().filter(e -> inStream(e, shard, epoch)).mapToLong(EventEnvelope::seq).max()
                .orElse(heads.getOrDefault(shard, 0L));
    }

    /** As forum-api: an older epoch is served (its pages name the current one), an unknown one needs a resync. */
    private EventPage page(int shard, Integer epoch, long afterSeq, Long threadId, int limit) {
        int served = epoch == null || epoch > shardEpoch ? shardEpoch : epoch;
        long head = head(shard, served);
        boolean resync = feedPurged || (epoch != null && epoch > shardEpoch);
        List<EventEnvelope> events = resync ? List.of() : feed.stream()
                .filter(e -> inStream(e, shard, served) && e.seq() > afterSeq
                        && (threadId == null || threadId.equals(e.threadId())))
                .sorted(Comparator.comparingLong(EventEnvelope::seq))
                .limit(limit).toList();
        boolean older = served != shardEpoch;
        return new EventPage(events, head, 1, resync, shard, served, shardCount, older ? shardEpoch : null,
                older ? shardCount : null);
    }

    private static boolean inStream(EventEnvelope event, int shard, int epoch) {
        return Objects.equals(event.shard(), shard) && Objects.equals(event.shardEpoch(), epoch);
    }
}
