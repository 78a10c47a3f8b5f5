package dev.forum.common.leader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Partition ownership on the real PostgreSQL (a database of its own). Each "replica" is a {@link PartitionLocks}
 * with its own session; the key is random per test.
 */
class PartitionLocksTest {

    private static final int PARTITIONS = 16;
    @RegisterExtension
    static final TestDatabase database = new TestDatabase();

    private final int key = ThreadLocalRandom.current().nextInt();
    private final List<PartitionLocks> replicas = new ArrayList<>();

    @AfterEach
    void closeReplicas() {
        replicas.forEach(PartitionLocks::close);
    }

    @Test
    void aLoneMemberOwnsEveryPartition() throws SQLException {
        PartitionLocks only = replica(0);

        PartitionLocks.Change change = only.rebalance();

        assertThat(change.members()).isEqualTo(1);
        assertThat(only.owned()).hasSize(PARTITIONS);
    }

    @Test
    void partitionsSpreadFairlyOverThreeMembers() throws SQLException {
        PartitionLocks first = replica(0);
        first.rebalance();
        PartitionLocks second = replica(5);
        PartitionLocks third = replica(11);

        settle(first, second, third);

        assertThat(List.of(first.owned().size(), second.owned().size(), third.owned().size()))
                .allSatisfy(n -> assertThat(n).isBetween(4, 6));
        assertOwnedOnceEach(first, second, third);
    }

    @Test
    void theSurvivorTakesTheDeadMembersPartitions() throws SQLException {
        PartitionLocks first = replica(0);
        PartitionLocks second = replica(8);
        settle(first, second);
        assertThat(second.owned()).hasSize(PARTITIONS / 2);

        database.terminate(second.connection());

        // pg_terminate_backend only signals the session: its locks go when it has ended, a tick or more later.
        await().atMost(Duration.ofSeconds(20)).until(() -> first.rebalance().members() == 1
                && first.owned().size() == PARTITIONS);
        assertThatThrownBy(second::rebalance).as("the dead member learns it at its next tick")
                .isInstanceOf(SQLException.class);
        assertThat(second.owned()).isEmpty();
    }

    @Test
    void aClosedMemberLeavesAndTheOthersShareItsPartitions() throws SQLException {
        PartitionLocks first = replica(0);
        PartitionLocks second = replica(3);
        PartitionLocks third = replica(9);
        settle(first, second, third);

        third.close();

        settle(first, second);
        assertThat(first.owned().size() + second.owned().size()).isEqualTo(PARTITIONS);
        assertThat(first.members()).isEqualTo(2);
        assertOwnedOnceEach(first, second);
    }

    @Test
    void aPartitionHasOneOwnerAtATime() throws SQLException {
        PartitionLocks first = replica(0);
        first.rebalance();
        PartitionLocks second = replica(0);

        second.rebalance();

        assertThat(second.owned()).as("nothing free until the first gives its surplus back").isEmpty();
        first.rebalance();
        second.rebalance();
        assertOwnedOnceEach(first, second);
    }

    /** A member that has joined (its session is open), as a relay at start-up; it owns nothing until its tick. */
    private PartitionLocks replica(int offset) throws SQLException {
        PartitionLocks locks = new PartitionLocks("test", key, PARTITIONS, offset,
                database::connect);
        replicas.add(locks);
        locks.connection();
        return locks;
    }

    /**
     * Rebalance rounds (each member's tick, in turn) until they see exactly these members and a round changes
     * nothing. A member that left may still be counted for a moment: its session ends asynchronously.
     */
    private static void settle(PartitionLocks... members) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            boolean changed = false;
            for (PartitionLocks member : members) {
                PartitionLocks.Change change = member.rebalance();
                changed |= !change.isEmpty() || change.members() != members.length;
            }
            return !changed;
        });
    }

    private static void assertOwnedOnceEach(PartitionLocks... members) {
        Set<Integer> seen = new HashSet<>();
        int total = 0;
        for (PartitionLocks member : members) {
            seen.addAll(member.owned());
            total += member.owned().size();
        }
        assertThat(seen).hasSize(PARTITIONS);
        assertThat(total).isEqualTo(PARTITIONS);
    }
}
