package dev.forum.notify.warmup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventShards;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.contract.payload.EditedMessage;
import dev.forum.contract.payload.EventPayload;
import dev.forum.contract.payload.MessageEdited;
import dev.forum.contract.payload.MessageView;
import dev.forum.contract.payload.NewMessage;
import dev.forum.contract.payload.ThreadFollowed;
import dev.forum.contract.payload.UserRegistered;
import dev.forum.contract.payload.UserView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One warm-up round's synthetic events, as the JSON text of their envelopes (what forum-api publishes on Redis), in
 * the order a drain round processes them (the forum shard's first): a few users registered and following a thread,
 * then posts to that thread by them in turn, each mentioning the next author, every fourth a reply to the one
 * before, every tenth an edit that mentions someone else. So the round runs the projections, the mentions, the
 * replies, the follower fan-out, the unread counts and the push outbox.
 *
 * <p>Nothing meets real data: users, the thread and the messages have negative ids (forum-api's start at 1), from
 * a random base per round; the events are numbered in streams of their own, a random negative shard epoch
 * (forum-api's start at 1), so no real cursor row is locked or moved. The usernames, {@code warmup.<random>.<n>},
 * are what a mention can name; a real user of that very name would at most get a notification in a transaction
 * that rolls back.
 */
final class WarmUpEvents {

    static final int USERS = 4;

    private final ObjectMapper json;
    private final int shardCount;
    private final long base = -1 - ThreadLocalRandom.current().nextLong(1L << 40) * 1_000_000;
    private final int shardEpoch = -1 - ThreadLocalRandom.current().nextInt(1 << 30);
    private final String names = "warmup." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24) + ".";
    private final Map<Integer, Long> seqs = new HashMap<>();
    private final List<String> texts = new ArrayList<>();

    private WarmUpEvents(ObjectMapper json, int shardCount) {
        this.json = json;
        this.shardCount = shardCount;
    }

    /** {@code events} events (at least {@link #USERS} * 2 + 1) as JSON texts. */
    static List<String> round(ObjectMapper json, int shardCount, int events) throws JsonProcessingException {
        WarmUpEvents round = new WarmUpEvents(json, shardCount);
        round.write(Math.max(events, 2 * USERS + 1));
        return round.texts;
    }

    private void write(int events) throws JsonProcessingException {
        long thread = base;
        for (int u = 0; u < USERS; u++) {
            add(Audience.INTERNAL, "user", Long.toString(user(u)), null,
                    new UserRegistered(new UserView(user(u), name(u), "warm-up", Role.MEMBER, 0, false)));
        }
        for (int u = 0; u < USERS; u++) {
            add(Audience.INTERNAL, "thread", Long.toString(thread), thread, new ThreadFollowed(thread, user(u)));
        }
        Instant now = Instant.now();
        for (int m = 0; texts.size() < events; m++) {
            int author = m % USERS;
            long message = message(m);
            String content = "a warm-up post mentioning @" + name(author + 1) + " with **some** _markdown_";
            if (m % 10 == 9) {
                add(Audience.THREAD, "thread", Long.toString(thread), thread, new MessageEdited(new EditedMessage(
                        message(m - 1), content + " and @" + name(author + 2), "<p>" + content + "</p>", true, now,
                        null)));
                continue;
            }
            Long replyTo = m % 4 == 3 ? message(m - 1) : null;
            add(Audience.THREAD, "thread", Long.toString(thread), thread, new NewMessage(new MessageView(message,
                    thread, user(author), name(author), content, "<p>" + content + "</p>", replyTo, 0, 0, false, null,
                    now, null)));
        }
    }

    private long user(int u) {
        return base - 1 - (u % USERS);
    }

    private long message(int m) {
        return base - 1 - m;
    }

    private String name(int u) {
        return names + (u % USERS);
    }

    private void add(Audience audience, String aggregateType, String aggregateId, Long threadId, EventPayload payload)
            throws JsonProcessingException {
        int shard = EventShards.shardOf(audience, threadId, shardCount);
        long seq = seqs.merge(shard, 1L, Long::sum);
        texts.add(json.writeValueAsString(new EventEnvelope(UUID.randomUUID(), shardEpoch, shard, seq,
                EventType.of(payload.getClass()), null, aggregateType, aggregateId, audience, threadId, null,
                threadId == null ? null : 0, Instant.now(), EventPayloads.tree(json, payload))));
    }
}
