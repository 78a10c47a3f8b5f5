package dev.forum.gateway.internal;

/**
 * Where a gap-free sequence stands: the last seq delivered, and what a newly seen seq means relative
 * to it. Not thread-safe: one owner thread (the gateway's sequencer).
 */
public final class SeqTracker {

    /** What to do with a newly seen seq. */
    public enum Verdict {
        /** The next one (or the position is not known yet): deliver it. */
        DELIVER,
        /** Already delivered: drop it. */
        DUPLICATE,
        /** Some seqs between the last delivered and this one are missing: fetch them first. */
        GAP
    }

    private long last = -1;

    public Verdict check(long seq) {
        if (last < 0 || seq == last + 1) {
            return Verdict.DELIVER;
        }
        return seq <= last ? Verdict.DUPLICATE : Verdict.GAP;
    }

    public void delivered(long seq) {
        last = Math.max(last, seq);
    }

    /** Sets the starting position if none is known yet (e.g. the feed's head at startup). */
    public void startAfter(long seq) {
        if (last < 0) {
            last = seq;
        }
    }

    /** Back to an unknown position (the stream it counted in was replaced). */
    public void forget() {
        last = -1;
    }

    public boolean isKnown() {
        return last >= 0;
    }

    /** The last delivered seq, -1 when unknown. */
    public long last() {
        return last;
    }
}
