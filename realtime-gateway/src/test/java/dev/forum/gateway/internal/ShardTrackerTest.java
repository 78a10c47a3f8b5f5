package dev.forum.gateway.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One shard's stream position: order, duplicates and gaps within an epoch, and what another epoch means. */
class ShardTrackerTest {

    private final ShardTracker tracker = new ShardTracker();

    @Test
    void theFirstEventIsDeliveredWhenThePositionIsUnknownAndSetsTheEpoch() {
        assertThat(tracker.check(3, 42)).isEqualTo(ShardTracker.Verdict.DELIVER);
        tracker.delivered(3, 42);

        assertThat(tracker.epoch()).isEqualTo(3);
        assertThat(tracker.last()).isEqualTo(42);
    }

    @Test
    void theNextSeqIsDeliveredAndOlderOnesAreDuplicates() {
        tracker.startAfter(1, 10);

        assertThat(tracker.check(1, 11)).isEqualTo(ShardTracker.Verdict.DELIVER);
        tracker.delivered(1, 11);
        assertThat(tracker.check(1, 11)).isEqualTo(ShardTracker.Verdict.DUPLICATE);
        assertThat(tracker.check(1, 3)).isEqualTo(ShardTracker.Verdict.DUPLICATE);
    }

    @Test
    void aSkippedSeqIsAGapUntilTheMissingOnesAreDelivered() {
        tracker.startAfter(1, 10);

        assertThat(tracker.check(1, 13)).isEqualTo(ShardTracker.Verdict.GAP);
        tracker.delivered(1, 11);
        tracker.delivered(1, 12);
        assertThat(tracker.check(1, 13)).isEqualTo(ShardTracker.Verdict.DELIVER);
    }

    @Test
    void aPositionOfAnotherEpochIsNeverComparedWithThisOnes() {
        tracker.startAfter(2, 10);

        assertThat(tracker.check(1, 11)).isEqualTo(ShardTracker.Verdict.OLD_EPOCH);
        assertThat(tracker.check(1, 500)).isEqualTo(ShardTracker.Verdict.OLD_EPOCH);
        assertThat(tracker.check(3, 1)).isEqualTo(ShardTracker.Verdict.NEW_EPOCH);
        assertThat(tracker.check(3, 11)).isEqualTo(ShardTracker.Verdict.NEW_EPOCH);
    }

    @Test
    void restartingInANewEpochForgetsThePositionUntilItIsSetAgain() {
        tracker.startAfter(1, 500);

        tracker.restart(2);
        assertThat(tracker.isKnown()).isFalse();
        tracker.startAfter(2, 3);

        assertThat(tracker.check(2, 4)).isEqualTo(ShardTracker.Verdict.DELIVER);
        assertThat(tracker.check(2, 2)).isEqualTo(ShardTracker.Verdict.DUPLICATE);
        assertThat(tracker.check(1, 501)).isEqualTo(ShardTracker.Verdict.OLD_EPOCH);
    }

    @Test
    void startAfterDoesNotMoveAKnownPosition() {
        tracker.delivered(1, 20);
        tracker.startAfter(1, 5);

        assertThat(tracker.last()).isEqualTo(20);
    }
}
