package dev.forum.api.outbox.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommitRateTest {

    @Test
    void countsTheCommitsOfTheCurrentSecond() {
        CommitRate rate = new CommitRate();
        assertEquals(1, rate.record(10_000));
        assertEquals(2, rate.record(10_400));
        assertEquals(3, rate.record(10_999));
    }

    @Test
    void theLastFullSecondCountsUntilTheCurrentOneOvertakesIt() {
        CommitRate rate = new CommitRate();
        for (int i = 0; i < 5; i++) {
            rate.record(10_000 + i);
        }
        assertEquals(5, rate.record(11_000));
        assertEquals(5, rate.record(11_500));
        for (int i = 0; i < 3; i++) {
            rate.record(11_600 + i);
        }
        assertEquals(6, rate.record(11_900));
    }

    @Test
    void aQuietSecondInBetweenForgetsTheBusyOne() {
        CommitRate rate = new CommitRate();
        for (int i = 0; i < 5; i++) {
            rate.record(10_000 + i);
        }
        assertEquals(1, rate.record(12_000));
    }
}
