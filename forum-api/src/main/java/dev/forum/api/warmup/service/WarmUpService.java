package dev.forum.api.warmup.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.auth.Caller;
import dev.forum.api.common.Times;
import dev.forum.api.message.mapping.MessageView;
import dev.forum.api.message.rest.MessageRequests;
import dev.forum.api.message.service.MessageService;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.api.thread.ForumThread;
import dev.forum.api.user.User;
import dev.forum.api.user.service.AuthService;
import dev.forum.api.user.service.SessionCache;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.UserTransaction;
import jakarta.validation.Validator;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import java.util.UUID;

/**
 * One round of forum-api's hot write path that leaves nothing behind, for the start-up warm-up ({@link WarmUpRunner}):
 * the JIT compilers see the code a post runs before the first real post arrives.
 *
 * <h2>What a round runs</h2>
 * One transaction: a synthetic user (a name registration refuses, so it can never meet a real one), its session and
 * a thread; then, per post, the request body's JSON decoding and validation, the token hash and session lookup through
 * {@link SessionCache} ({@link AuthService#resolveToken}: a miss, then hits), {@link MessageService#persistMessage} (its post not counted)
 * (the thread read, the message insert, Markdown rendering and sanitising with the mention lookup, the event's JSON,
 * the outbox insert, the follow, the thread's counters) and the response's JSON encoding; last, the round's outbox
 * rows are read back into envelopes as the relay and the event feed do (without publishing them).
 *
 * <h2>Why nothing lasts</h2>
 * The transaction always rolls back, so no row of it is ever visible to anyone. What a rollback does not undo:
 * <ul>
 *   <li>sequences advance: the ids of users, sessions, threads, messages and the outbox's {@code write_order} skip
 *       some values, which nothing relies on (the outbox {@code seq} is not a sequence: the relay gives it to
 *       committed rows only, under its state row lock, so it stays gap-free);</li>
 *   <li>the NOTIFY queued by each outbox insert is delivered only on commit: the relay is not woken;</li>
 *   <li>the relay's watermark ({@code numbered_xmin}, see OutboxRelay): while a round runs, its transaction id holds
 *       the watermark back, as any writer's does, for one short transaction; an aborted transaction's rows never
 *       become visible, so no numbering step ever needs to see them, and once the round is over the watermark
 *       moves past its id as usual;</li>
 *   <li>dead row versions, which autovacuum removes as for any rolled-back write;</li>
 *   <li>the session cache entry of the synthetic token: evicted at the end of the round
 *       ({@link SessionCache#evictUser} evicts this replica's entries at once; its NOTIFY is not delivered).</li>
 * </ul>
 * Redis is not touched: the post limit is not counted ({@link #countNothing}) and the relay publishes nothing it did
 * not number.
 */
@ApplicationScoped
public class WarmUpService {

    /** Not a name registration accepts ({@code [A-Za-z0-9_.-]}). */
    private static final String USERNAME_PREFIX = "warm-up~";
    static final String[] CONTENTS = {
            "A plain message of about a hundred bytes, as most posts are: some words, a number 42, and a full stop.",
            "Some **bold**, some _emphasis_, `code`, a link https://example.org/forum?q=warm and a mention @nobody_here.",
            "> a quote\n\n- a list item\n- another one with [a link](https://example.org/a)\n\n```\ncode block\n```",
    };

    private final MessageService messages;
    private final AuthService auth;
    private final SessionCache sessions;
    private final OutboxRows rows;
    private final ObjectMapper json;
    private final Validator validator;
    private final EntityManager em;
    private final UserTransaction transaction;

    public WarmUpService(MessageService messages, AuthService auth, SessionCache sessions, OutboxRows rows,
                         ObjectMapper json, Validator validator, EntityManager em, UserTransaction transaction) {
        this.messages = messages;
        this.auth = auth;
        this.sessions = sessions;
        this.rows = rows;
        this.json = json;
        this.validator = validator;
        this.em = em;
        this.transaction = transaction;
    }

    /** Runs {@code posts} posts in one transaction that rolls back, whatever happens. */
    public void runRound(int posts) throws Exception {
        transaction.begin();
        try {
            User user = syntheticUser();
            String token = auth.openSession(user);
            ForumThread thread = syntheticThread(user);
            Long replyTo = null;
            for (int i = 0; i < posts; i++) {
                byte[] request = json.writeValueAsBytes(
                        new MessageRequests.PostMessage(CONTENTS[i % CONTENTS.length], i % 4 == 3 ? replyTo : null));
                MessageRequests.PostMessage body = json.readValue(request, MessageRequests.PostMessage.class);
                validator.validate(body);
                Caller caller = auth.resolveToken(token).orElseThrow();
                MessageView view = messages.persistMessage(caller, thread.id, body.content(), body.replyToId(),
                        WarmUpService::countNothing).orElseThrow();
                json.writeValueAsBytes(view);
                replyTo = view.id();
            }
            readEvents(thread.id);
            sessions.evictUser(user.id);
        } finally {
            transaction.rollback();
        }
    }

    /** Counts a warm-up post against no limit: the post limit's window is in Redis, which the warm-up leaves alone. */
    private static void countNothing(long userId) {
    }

    /** The round's own outbox rows, read as the relay publishes them and as the event feed serves them. */
    private void readEvents(long threadId) throws JsonProcessingException {
        List<EventEnvelope> feed = new ArrayList<>();
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT " + OutboxRows.COLUMNS + " FROM outbox_event WHERE thread_id = ?")) {
                st.setLong(1, threadId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.publishable(rs);
                        feed.add(rows.envelope(rs));
                    }
                }
            }
        });
        json.writeValueAsBytes(feed);
    }

    private static User syntheticUser() {
        User user = new User();
        user.username = USERNAME_PREFIX + UUID.randomUUID().toString().substring(0, 8);
        user.displayName = "warm-up";
        user.passwordHash = "!";
        user.role = Role.MEMBER.wireName();
        user.persist();
        return user;
    }

    private static ForumThread syntheticThread(User user) {
        ForumThread thread = new ForumThread();
        thread.title = "warm-up";
        thread.author = user;
        thread.createdAt = Times.now();
        thread.lastActivityAt = thread.createdAt;
        thread.persist();
        return thread;
    }
}
