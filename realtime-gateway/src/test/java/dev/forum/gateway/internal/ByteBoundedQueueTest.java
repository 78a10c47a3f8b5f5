package dev.forum.gateway.internal;

import dev.forum.gateway.internal.ByteBoundedQueue.Offer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteBoundedQueueTest {

    @Test
    void offerWithinBoundKeepsFifoOrderAndCountsBytes() {
        ByteBoundedQueue<String> queue = new ByteBoundedQueue<>(10);
        assertThat(queue.offer("a", 4, false)).isEqualTo(Offer.ACCEPTED);
        assertThat(queue.offer("b", 6, false)).isEqualTo(Offer.ACCEPTED);
        assertThat(queue.bytes()).isEqualTo(10);
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(queue.bytes()).isEqualTo(6);
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.poll()).isNull();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void offerOverBoundEvictsDroppableItemsOldestFirst() {
        ByteBoundedQueue<String> queue = new ByteBoundedQueue<>(10);
        queue.offer("typing1", 3, true);
        queue.offer("event", 4, false);
        queue.offer("typing2", 3, true);
        assertThat(queue.offer("event2", 3, false)).isEqualTo(Offer.ACCEPTED_AFTER_EVICTION);
        assertThat(queue.evictedCount()).isEqualTo(1);
        assertThat(queue.poll()).isEqualTo("event");
        assertThat(queue.poll()).isEqualTo("typing2");
        assertThat(queue.poll()).isEqualTo("event2");
    }

    @Test
    void offerOfDroppableItemThatDoesNotFitIsDropped() {
        ByteBoundedQueue<String> queue = new ByteBoundedQueue<>(5);
        queue.offer("event", 5, false);
        assertThat(queue.offer("typing", 1, true)).isEqualTo(Offer.DROPPED);
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void offerOfEventThatDoesNotFitEvenAfterEvictionOverflows() {
        ByteBoundedQueue<String> queue = new ByteBoundedQueue<>(10);
        queue.offer("event", 8, false);
        queue.offer("typing", 2, true);
        assertThat(queue.offer("big", 5, false)).isEqualTo(Offer.OVERFLOW);
        assertThat(queue.poll()).isEqualTo("event");
    }

    @Test
    void closedQueueRefusesOffersAndIsEmpty() {
        ByteBoundedQueue<String> queue = new ByteBoundedQueue<>(10);
        queue.offer("a", 1, false);
        queue.close();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.offer("b", 1, false)).isEqualTo(Offer.CLOSED);
    }

    @Test
    void nonPositiveBoundIsRejected() {
        assertThatThrownBy(() -> new ByteBoundedQueue<String>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
