package dev.forum.gateway.registry;

import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;
import dev.forum.gateway.internal.TokenBucket;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionRegistryTest {

    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);

    @Test
    void subscribersAreIndexedByThreadAndUser() {
        ClientSession alice = session("c1", 1);
        ClientSession aliceTab2 = session("c2", 1);
        ClientSession bob = session("c3", 2);
        List.of(alice, aliceTab2, bob).forEach(registry::addSession);
        registry.subscribe(alice, 10, false);
        registry.subscribe(bob, 10, false);
        registry.subscribe(bob, 11, false);

        assertThat(registry.threadSubscribers(10)).containsExactlyInAnyOrder(alice, bob);
        assertThat(registry.threadSubscribers(11)).containsExactly(bob);
        assertThat(registry.threadSubscribers(12)).isEmpty();
        assertThat(registry.userSessions(1)).containsExactlyInAnyOrder(alice, aliceTab2);
        assertThat(registry.sessionCount()).isEqualTo(3);
    }

    @Test
    void subscribingTwiceKeepsOneSubscription() {
        ClientSession alice = session("c1", 1);
        registry.addSession(alice);
        ThreadSubscription first = registry.subscribe(alice, 10, false);
        ThreadSubscription second = registry.subscribe(alice, 10, false);
        assertThat(second).isSameAs(first);
        assertThat(registry.threadSubscribers(10)).hasSize(1);
    }

    @Test
    void unsubscribeRemovesOnlyThatThread() {
        ClientSession alice = session("c1", 1);
        registry.addSession(alice);
        ThreadSubscription sub = registry.subscribe(alice, 10, false);
        registry.subscribe(alice, 11, false);
        assertThat(registry.unsubscribe(alice, 10)).isTrue();
        assertThat(registry.unsubscribe(alice, 10)).isFalse();
        assertThat(sub.isCancelled()).isTrue();
        assertThat(registry.threadSubscribers(10)).isEmpty();
        assertThat(registry.threadSubscribers(11)).containsExactly(alice);
    }

    @Test
    void removingASessionForgetsEveryIndexEntry() {
        ClientSession alice = session("c1", 1);
        registry.addSession(alice);
        registry.subscribe(alice, 10, false);
        registry.removeSession(alice);
        assertThat(registry.threadSubscribers(10)).isEmpty();
        assertThat(registry.userSessions(1)).isEmpty();
        assertThat(registry.sessionCount()).isZero();
        assertThat(registry.subscribedThreadCount()).isZero();
    }

    @Test
    void concurrentSubscribesAreAllRecorded() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(400);
        for (int i = 0; i < 400; i++) {
            ClientSession s = session("c" + i, i);
            pool.execute(() -> {
                registry.addSession(s);
                registry.subscribe(s, 7, false);
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        assertThat(registry.threadSubscribers(7)).hasSize(400);
    }

    @Test
    void concurrentSubscribesOfOneConnectionAreAllRecorded() throws InterruptedException {
        ClientSession alice = session("c1", 1);
        registry.addSession(alice);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            long threadId = i;
            pool.execute(() -> {
                registry.subscribe(alice, threadId, false);
                registry.subscribe(alice, 1000 + threadId, false);
                registry.unsubscribe(alice, 1000 + threadId);
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        assertThat(alice.subscriptionCount()).isEqualTo(100);
        assertThat(alice.subscriptions()).extracting(ThreadSubscription::threadId).doesNotHaveDuplicates()
                .allMatch(threadId -> threadId < 100);
        assertThat(alice.subscription(42)).isNotNull();
        assertThat(alice.subscription(1042)).isNull();
    }

    @Test
    void replayingSubscriptionHoldsLiveEventsAndDropsThoseReplayed() {
        RecordingSink sink = new RecordingSink();
        ClientSession alice = session("c1", 1, sink);
        registry.addSession(alice);
        ThreadSubscription sub = registry.subscribe(alice, 10, true);
        sub.deliverLive(OutboundWriterTest.frame("live-5", false), 5L);
        sub.deliverLive(OutboundWriterTest.frame("live-6", false), 6L);
        assertThat(sink.sent).isEmpty();
        sub.deliverReplayed(OutboundWriterTest.frame("replay-4", false), 4);
        sub.deliverReplayed(OutboundWriterTest.frame("replay-5", false), 5);
        sub.finishReplay(List.of(OutboundWriterTest.frame("subscribed", false)));
        sub.deliverLive(OutboundWriterTest.frame("live-5-again", false), 5L);
        sub.deliverLive(OutboundWriterTest.frame("live-7", false), 7L);
        assertThat(sink.sent).containsExactly("replay-4", "replay-5", "subscribed", "live-6", "live-7");
    }

    @Test
    void burstOfSubscribesCannotPassTheCapWhileLookupsArePending() {
        ClientSession session = session("c1", 1);
        registry.addSession(session);
        registry.subscribe(session, 1, false);

        assertThat(session.reserveSubscription(3)).isTrue();
        assertThat(session.reserveSubscription(3)).isTrue();
        assertThat(session.reserveSubscription(3)).isFalse();

        registry.subscribe(session, 2, false);
        session.releaseSubscription();
        assertThat(session.reserveSubscription(3)).isFalse();
        session.releaseSubscription();
        assertThat(session.reserveSubscription(3)).isTrue();
    }

    private static ClientSession session(String id, long userId) {
        return session(id, userId, new RecordingSink());
    }

    private static ClientSession session(String id, long userId, RecordingSink sink) {
        return new ClientSession(id, EndpointKind.V2, new CurrentUser(userId, "u" + userId, "U", Role.MEMBER, 0), "t",
                new OutboundWriter(10_000, sink, DeliveryListener.NONE), new TokenBucket(10, 10, System::nanoTime));
    }
}
