package dev.forum.gateway.registry;

import dev.forum.gateway.endpoint.DisconnectCode;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's subscription to one thread. While a resume replay runs, live events are held
 * back; when the replay ends they are released, minus those whose seq the replay already delivered,
 * so the client sees every event once, in order.
 */
public final class ThreadSubscription {

    /** {@code restarts}: a resync frame; the seqs after it count afresh (e.g. in a new shard epoch). */
    private record Held(OutboundFrame frame, Long seq, boolean restarts) {
    }

    /** Live events held during one replay, beyond which the client is treated as too slow. */
    static final int MAX_HELD = 10_000;

    private final long threadId;
    private final ClientSession session;
    private final List<Held> held = new ArrayList<>();
    private boolean replaying;
    private boolean cancelled;
    private long replayedUpTo = Long.MIN_VALUE;

    ThreadSubscription(long threadId, ClientSession session, boolean replaying) {
        this.threadId = threadId;
        this.session = session;
        this.replaying = replaying;
    }

    public long threadId() {
        return threadId;
    }

    public ClientSession session() {
        return session;
    }

    /** A live event for this thread (already checked against the user's tier). */
    public synchronized void deliverLive(OutboundFrame frame, Long seq) {
        if (cancelled) {
            return;
        }
        if (replaying) {
            if (held.size() >= MAX_HELD) {
                session.close(DisconnectCode.SLOW);
                return;
            }
            held.add(new Held(frame, seq, false));
            return;
        }
        if (seq != null && seq <= replayedUpTo) {
            return;
        }
        session.send(frame);
    }

    /**
     * Events of the thread were lost (or their seqs start again in a new shard epoch): the client is told to
     * reload the thread, and what follows is not compared with the seqs sent before.
     */
    public synchronized void resync(OutboundFrame resyncFrame) {
        if (cancelled) {
            return;
        }
        if (replaying) {
            held.add(new Held(resyncFrame, null, true));
            return;
        }
        replayedUpTo = Long.MIN_VALUE;
        session.send(resyncFrame);
    }

    /** An event from the feed during the replay, in seq order. */
    public synchronized void deliverReplayed(OutboundFrame frame, long seq) {
        if (cancelled) {
            return;
        }
        if (seq > replayedUpTo) {
            session.send(frame);
            replayedUpTo = seq;
        }
    }

    /** Records how far the replay reached even if the last events were filtered out. */
    public synchronized void replayedThrough(long seq) {
        replayedUpTo = Math.max(replayedUpTo, seq);
    }

    /**
     * Ends the replay: sends {@code closingFrames} (e.g. {@code subscribed}), then the held live
     * events that the replay did not already cover, and goes live.
     */
    public synchronized void finishReplay(List<OutboundFrame> closingFrames) {
        if (cancelled) {
            return;
        }
        closingFrames.forEach(session::send);
        for (Held h : held) {
            if (h.restarts()) {
                replayedUpTo = Long.MIN_VALUE;
            }
            if (h.seq() == null || h.seq() > replayedUpTo) {
                session.send(h.frame());
            }
        }
        held.clear();
        replaying = false;
    }

    public synchronized boolean isReplaying() {
        return replaying;
    }

    synchronized void cancel() {
        cancelled = true;
        held.clear();
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }
}
