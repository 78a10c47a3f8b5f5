package dev.forum.gateway.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.contract.ThreadAccess;
import dev.forum.gateway.client.FakeForumApiClient;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.TestGatewayConfig;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.TestClients.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static dev.forum.gateway.registry.TestClients.JSON;
import static dev.forum.gateway.registry.TestClients.connect;
import static dev.forum.gateway.registry.TestClients.newMessage;
import static dev.forum.gateway.registry.TestClients.threadEvent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-side filtering (a thread's events reach only its subscribers who may read it) and revocation (a tier change
 * or a deletion takes access away at once), through the real hub, registry and outbound writers; forum-api is an
 * in-memory stand-in that knows each thread's access.
 */
class HubRoutingTest {

    private static final long THREAD = 10;

    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);
    private final FakeForumApiClient forumApiClient = new FakeForumApiClient();
    private final ForumApi forumApi = new ForumApi(TestGatewayConfig.of(Map.of("forumApi.timeout", Duration.ofSeconds(5),
            "forumApi.internalToken", "internal", "access.cacheTtl", Duration.ofMinutes(1),
            "auth.negativeCacheTtl", Duration.ofMinutes(1))), forumApiClient,
            new SessionLookup(forumApiClient, Duration.ofSeconds(5)));
    private final Hub hub = new Hub(registry, new ServerFrames(JSON), forumApi, new GatewayMetrics(new SimpleMeterRegistry()),
            JSON);

    private final Client member = connect(registry, "c1", 1, Role.MEMBER, 0);
    private final Client supporter = connect(registry, "c2", 2, Role.MEMBER, 500);
    private final Client moderator = connect(registry, "c3", 3, Role.MODERATOR, 0);
    private final Client elsewhere = connect(registry, "c4", 4, Role.MEMBER, 500);

    @Test
    void routeTierGatedThreadEventReachesOnlySubscribersAllowedToReadIt() {
        subscribeAll(member, supporter, moderator);

        hub.route(newMessage(1, THREAD, 500));

        assertThat(member.sent()).as("tier 0 below the thread's 500").isEmpty();
        assertThat(supporter.seqs()).containsExactly(1L);
        assertThat(moderator.seqs()).as("staff read every tier").containsExactly(1L);
        assertThat(elsewhere.sent()).as("not subscribed").isEmpty();
    }

    @Test
    void routeOpenThreadEventReachesEverySubscriber() {
        subscribeAll(member, supporter);

        hub.route(newMessage(1, THREAD, 0));

        assertThat(member.seqs()).containsExactly(1L);
        assertThat(supporter.seqs()).containsExactly(1L);
        assertThat(elsewhere.sent()).isEmpty();
    }

    @Test
    void routeReadersEventSkipsConnectionsBelowItsTier() {
        hub.route(new EventEnvelope(UUID.randomUUID(), 1L, EventType.NEW_THREAD_CREATED, "thread", "11",
                Audience.READERS, 11L, null, 500, Instant.now(), JSON.createObjectNode()));

        assertThat(member.sent()).isEmpty();
        assertThat(supporter.types()).containsExactly("new_thread_created");
        assertThat(moderator.types()).containsExactly("new_thread_created");
        assertThat(elsewhere.types()).containsExactly("new_thread_created");
    }

    @Test
    void routeForumShardEventWithAThreadIdSendsNoSeqThatClientsWouldCompareWithTheThreadsOwn() {
        subscribeAll(supporter);
        hub.route(newMessage(3, THREAD, 0));

        hub.route(new EventEnvelope(UUID.randomUUID(), 1, -1, 90L, EventType.NEW_THREAD_CREATED, null, "thread",
                Long.toString(THREAD), Audience.READERS, THREAD, null, 0, Instant.now(), JSON.createObjectNode()));
        hub.route(newMessage(4, THREAD, 0));

        assertThat(supporter.types()).containsExactly("new_message", "new_thread_created", "new_message");
        assertThat(supporter.seqs()).as("the forum shard's seq 90 is not sent").containsExactly(3L, 4L);
    }

    @Test
    void routeUserEventReachesOnlyThatUsersConnections() {
        Client supporterSecondTab = connect(registry, "c5", 2, Role.MEMBER, 500);

        hub.route(new EventEnvelope(UUID.randomUUID(), null, EventType.UNREAD_COUNT_UPDATED, "user", "2", Audience.USER,
                null, 2L, null, Instant.now(), JSON.createObjectNode().put("count", 3)));

        assertThat(supporter.types()).containsExactly("unread_count_updated");
        assertThat(supporterSecondTab.types()).containsExactly("unread_count_updated");
        assertThat(member.sent()).isEmpty();
        assertThat(elsewhere.sent()).isEmpty();
    }

    @Test
    void routeUserEventAboutATierGatedThreadSkipsTheUserBelowTheTier() {
        hub.route(new EventEnvelope(UUID.randomUUID(), null, EventType.FORUM_NOTIFICATION, "user", "1", Audience.USER,
                THREAD, 1L, 500, Instant.now(), JSON.createObjectNode()));

        assertThat(member.sent()).isEmpty();
    }

    @Test
    void routeTypingIsNotEchoedToTheTypist() {
        subscribeAll(member, supporter);

        hub.route(new EventEnvelope(UUID.randomUUID(), null, EventType.USER_TYPING, "thread", "10", Audience.THREAD,
                THREAD, null, 0, Instant.now(), JSON.createObjectNode().put("user_id", 1).put("username", "u1").put("is_typing", true)));

        assertThat(member.sent()).isEmpty();
        assertThat(supporter.types()).containsExactly("user_typing");
    }

    @Test
    void routeInternalEventReachesNoSocket() {
        subscribeAll(member, supporter);

        hub.route(new EventEnvelope(UUID.randomUUID(), 1L, EventType.USER_UPDATED, "user", "4", Audience.INTERNAL,
                null, null, null, Instant.now(),
                user(4, 500)));

        assertThat(member.sent()).isEmpty();
        assertThat(supporter.sent()).isEmpty();
        assertThat(elsewhere.sent()).isEmpty();
    }

    @Test
    void threadUpdatedRaisingTheTierRevokesSubscribersBelowItAndOnlyThem() {
        subscribeAll(member, supporter, moderator);

        hub.route(threadEvent(EventType.THREAD_UPDATED, 1, THREAD, 0,
                object("updates", JSON.createObjectNode().put("min_tier_cents", 500))));
        hub.route(newMessage(2, THREAD, 500));

        assertThat(member.types()).containsExactly("thread_updated", "subscription_revoked");
        assertThat(member.sent().get(1)).contains("\"access_lost\"");
        assertThat(member.session().subscription(THREAD)).isNull();
        assertThat(supporter.seqs()).containsExactly(1L, 2L);
        assertThat(moderator.seqs()).containsExactly(1L, 2L);
    }

    @Test
    void threadDeletedRevokesEverySubscriber() {
        subscribeAll(member, supporter);

        hub.route(threadEvent(EventType.THREAD_DELETED, 1, THREAD, 0, JSON.createObjectNode()));
        hub.route(newMessage(2, THREAD, 0));

        assertThat(member.types()).containsExactly("thread_deleted", "subscription_revoked");
        assertThat(supporter.types()).containsExactly("thread_deleted", "subscription_revoked");
        assertThat(supporter.sent().get(1)).contains("\"thread_deleted\"");
        assertThat(registry.threadSubscribers(THREAD)).isEmpty();
    }

    @Test
    void userUpdatedLoweringTheTierRevokesThreadsAboveItAndFiltersLaterEvents() {
        forumApiClient.threads.put(THREAD, new ThreadAccess(THREAD, 500, false));
        forumApiClient.threads.put(11L, new ThreadAccess(11L, 0, false));
        registry.subscribe(supporter.session(), THREAD, false);
        registry.subscribe(supporter.session(), 11L, false);

        hub.route(new EventEnvelope(UUID.randomUUID(), 1L, EventType.USER_UPDATED, "user", "2", Audience.INTERNAL,
                null, null, null, Instant.now(),
                user(2, 0)));
        hub.route(newMessage(2, 11L, 0));

        assertThat(supporter.types()).containsExactly("subscription_revoked", "new_message");
        assertThat(supporter.session().subscription(THREAD)).isNull();
        assertThat(supporter.session().subscription(11L)).isNotNull();
        assertThat(supporter.session().user().tierCents()).isZero();
    }

    /** A {@code user_updated} payload: the user's view after the change. */
    private static ObjectNode user(long id, int tierCents) {
        return object("user", JSON.createObjectNode().put("id", id).put("username", "u" + id)
                .put("display_name", "U" + id).put("role", "member").put("tier_cents", tierCents)
                .put("suspended", false));
    }

    private static ObjectNode object(String field, ObjectNode value) {
        ObjectNode node = JSON.createObjectNode();
        node.set(field, value);
        return node;
    }

    private void subscribeAll(Client... clients) {
        for (Client client : clients) {
            registry.subscribe(client.session(), THREAD, false);
        }
    }
}
