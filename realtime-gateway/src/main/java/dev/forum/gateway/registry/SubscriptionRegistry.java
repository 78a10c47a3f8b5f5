package dev.forum.gateway.registry;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The local index: thread id to subscribed connections, user id to connections. Split into shards by
 * hash, each with its own lock; each key maps to an immutable array replaced on change, so readers
 * (the delivery path) take the lock only to read one reference and iterate without it. A thread's first
 * subscriber and its last one leaving are told to a {@link ThreadWatchListener} (which event shards this
 * gateway listens to), under the lock, so they come in order per thread.
 */
public final class SubscriptionRegistry {

    private static final ClientSession[] NONE = new ClientSession[0];

    private static final class Shard {
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<Long, ClientSession[]> members = new HashMap<>();
        private final ThreadWatchListener watch;

        Shard(ThreadWatchListener watch) {
            this.watch = watch;
        }

        ClientSession[] get(long key) {
            lock.lock();
            try {
                return members.getOrDefault(key, NONE);
            } finally {
                lock.unlock();
            }
        }

        void add(long key, ClientSession session) {
            lock.lock();
            try {
                ClientSession[] current = members.getOrDefault(key, NONE);
                for (ClientSession existing : current) {
                    if (existing == session) {
                        return;
                    }
                }
                ClientSession[] next = Arrays.copyOf(current, current.length + 1);
                next[current.length] = session;
                members.put(key, next);
                if (current.length == 0) {
                    watch.threadWatched(key);
                }
            } finally {
                lock.unlock();
            }
        }

        void remove(long key, ClientSession session) {
            lock.lock();
            try {
                ClientSession[] current = members.get(key);
                if (current == null) {
                    return;
                }
                ClientSession[] next = Arrays.stream(current).filter(s -> s != session).toArray(ClientSession[]::new);
                if (next.length == 0) {
                    members.remove(key);
                    watch.threadUnwatched(key);
                } else {
                    members.put(key, next);
                }
            } finally {
                lock.unlock();
            }
        }

        int keys() {
            lock.lock();
            try {
                return members.size();
            } finally {
                lock.unlock();
            }
        }
    }

    private final Shard[] threadShards;
    private final Shard[] userShards;
    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();

    public SubscriptionRegistry(int shardCount) {
        this(shardCount, ThreadWatchListener.NONE);
    }

    /** {@code threadWatch}: told of each thread's first subscriber and of its last one leaving. */
    public SubscriptionRegistry(int shardCount, ThreadWatchListener threadWatch) {
        threadShards = new Shard[shardCount];
        userShards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) {
            threadShards[i] = new Shard(threadWatch);
            userShards[i] = new Shard(ThreadWatchListener.NONE);
        }
    }

    public void addSession(ClientSession session) {
        sessions.put(session.id(), session);
        shard(userShards, session.user().id()).add(session.user().id(), session);
    }

    /** Forgets a closed connection and all its subscriptions. */
    public void removeSession(ClientSession session) {
        sessions.remove(session.id());
        shard(userShards, session.user().id()).remove(session.user().id(), session);
        for (ThreadSubscription subscription : session.subscriptions()) {
            unsubscribe(session, subscription.threadId());
        }
    }

    /**
     * Registers a subscription (before any replay, so no live event is missed). Returns the existing
     * one if the connection was already subscribed.
     */
    public ThreadSubscription subscribe(ClientSession session, long threadId, boolean replaying) {
        ThreadSubscription subscription = session.putSubscription(new ThreadSubscription(threadId, session, replaying));
        shard(threadShards, threadId).add(threadId, session);
        return subscription;
    }

    /** Removes a subscription; true if there was one. */
    public boolean unsubscribe(ClientSession session, long threadId) {
        ThreadSubscription removed = session.removeSubscription(threadId);
        shard(threadShards, threadId).remove(threadId, session);
        if (removed != null) {
            removed.cancel();
            return true;
        }
        return false;
    }

    public ClientSession[] threadSubscribers(long threadId) {
        return shard(threadShards, threadId).get(threadId);
    }

    public ClientSession[] userSessions(long userId) {
        return shard(userShards, userId).get(userId);
    }

    public Collection<ClientSession> allSessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Thread subscriptions over all connections: O(connections), for metrics scrapes. */
    public int subscriptionCount() {
        int total = 0;
        for (ClientSession session : sessions.values()) {
            total += session.subscriptions().size();
        }
        return total;
    }

    /** Threads with at least one local subscriber. */
    public int subscribedThreadCount() {
        int total = 0;
        for (Shard shard : threadShards) {
            total += shard.keys();
        }
        return total;
    }

    private static Shard shard(Shard[] shards, long key) {
        return shards[(int) Math.floorMod(Long.hashCode(key) * 0x9E3779B9, shards.length)];
    }
}
