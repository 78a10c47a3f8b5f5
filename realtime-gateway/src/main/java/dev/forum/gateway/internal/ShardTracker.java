package dev.forum.gateway.internal;

/**
 * Where one shard's stream stands on this gateway: the shard epoch it counts in and the last seq delivered, and
 * what a newly seen (epoch, seq) means relative to them. A position of another epoch cannot be compared: an
 * older epoch is stale, a newer one means forum-api changed the shard count and every position restarts. Not
 * thread-safe: one owner thread (the gateway's sequencer).
 */
public final class ShardTracker {

    /** What to do with a newly seen event of this shard. */
    public enum Verdict {
        /** The next one (or the position is not known yet): deliver it. */
        DELIVER,
        /** Already delivered: drop it. */
        DUPLICATE,
        /** Some seqs between the last delivered and this one are missing: fetch them first. */
        GAP,
        /** An epoch older than this stream's: a leftover of before the change, drop it. */
        OLD_EPOCH,
        /** An epoch newer than this stream's: positions restart in it ({@link #restart}). */
        NEW_EPOCH
    }

    /** 0 until known. */
    private int epoch;
    private final SeqTracker seqs = new SeqTracker();

    public Verdict check(int eventEpoch, long seq) {
        if (epoch != 0 && eventEpoch != epoch) {
            return eventEpoch < epoch ? Verdict.OLD_EPOCH : Verdict.NEW_EPOCH;
        }
        return switch (seqs.check(seq)) {
            case DELIVER -> Verdict.DELIVER;
            case DUPLICATE -> Verdict.DUPLICATE;
            case GAP -> Verdict.GAP;
        };
    }

    public void delivered(int eventEpoch, long seq) {
        if (epoch == 0) {
            epoch = eventEpoch;
        }
        seqs.delivered(seq);
    }

    /** Sets the starting position (the feed's head) if none is known yet. */
    public void startAfter(int headEpoch, long seq) {
        if (!isKnown()) {
            epoch = headEpoch;
            seqs.startAfter(seq);
        }
    }

    /** The shard epoch changed: nothing of {@code newEpoch} was delivered; the position is unknown until set again. */
    public void restart(int newEpoch) {
        epoch = newEpoch;
        seqs.forget();
    }

    public boolean isKnown() {
        return seqs.isKnown();
    }

    /** The epoch the position counts in, 0 when unknown. */
    public int epoch() {
        return epoch;
    }

    /** The last delivered seq, -1 when unknown. */
    public long last() {
        return seqs.last();
    }
}
