package dev.forum.gateway.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeqTrackerTest {

    private final SeqTracker tracker = new SeqTracker();

    @Test
    void firstSeqIsDeliveredWhenThePositionIsUnknown() {
        assertThat(tracker.isKnown()).isFalse();
        assertThat(tracker.check(42)).isEqualTo(SeqTracker.Verdict.DELIVER);
    }

    @Test
    void nextSeqIsDeliveredAndOlderOnesAreDuplicates() {
        tracker.startAfter(10);
        assertThat(tracker.check(11)).isEqualTo(SeqTracker.Verdict.DELIVER);
        tracker.delivered(11);
        assertThat(tracker.check(11)).isEqualTo(SeqTracker.Verdict.DUPLICATE);
        assertThat(tracker.check(3)).isEqualTo(SeqTracker.Verdict.DUPLICATE);
    }

    @Test
    void skippedSeqIsAGap() {
        tracker.startAfter(10);
        assertThat(tracker.check(13)).isEqualTo(SeqTracker.Verdict.GAP);
        tracker.delivered(11);
        tracker.delivered(12);
        assertThat(tracker.check(13)).isEqualTo(SeqTracker.Verdict.DELIVER);
    }

    @Test
    void startAfterDoesNotMoveAKnownPosition() {
        tracker.delivered(20);
        tracker.startAfter(5);
        assertThat(tracker.last()).isEqualTo(20);
    }
}
