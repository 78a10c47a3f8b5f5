package dev.forum.contract;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventShardsTest {

    @Test
    void threadEventsGoToTheirThreadsShard() {
        assertEquals(3, EventShards.shardOf(Audience.THREAD, 19L, 16));
        assertEquals(0, EventShards.shardOf(Audience.THREAD, 32L, 16));
        assertEquals(0, EventShards.shardOf(Audience.THREAD, 5L, 1));
    }

    @Test
    void everyOtherEventGoesToTheForumShard() {
        assertEquals(EventShards.FORUM, EventShards.shardOf(Audience.READERS, 19L, 16), "a new thread");
        assertEquals(EventShards.FORUM, EventShards.shardOf(Audience.USER, null, 16));
        assertEquals(EventShards.FORUM, EventShards.shardOf(Audience.ALL, null, 16));
        assertEquals(EventShards.FORUM, EventShards.shardOf(Audience.INTERNAL, 19L, 16), "thread_followed");
        assertEquals(EventShards.FORUM, EventShards.shardOf(Audience.THREAD, null, 16));
    }

    @Test
    void allListsTheForumShardThenEveryThreadShard() {
        assertEquals("[-1, 0, 1, 2]", EventShards.all(3).boxed().toList().toString());
    }

    @Test
    void isValidKnowsTheShardsOfACount() {
        assertTrue(EventShards.isValid(-1, 4));
        assertTrue(EventShards.isValid(3, 4));
        assertFalse(EventShards.isValid(4, 4));
        assertFalse(EventShards.isValid(-2, 4));
    }

    @Test
    void shardCountMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> EventShards.shardOf(Audience.THREAD, 1L, 0));
    }
}
