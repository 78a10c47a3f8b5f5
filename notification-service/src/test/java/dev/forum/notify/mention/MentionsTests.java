package dev.forum.notify.mention;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.notify.Events;
import dev.forum.notify.Forum;
import dev.forum.notify.Forum.User;
import dev.forum.notify.Notifications;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.PushRecorder;
import dev.forum.notify.notification.NotificationType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Mentions computed from message content, through the same entry point the feed consumer uses. */
@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
class MentionsTests {

    @Inject
    Forum forum;
    @Inject
    Notifications notifications;
    @Inject
    PushRecorder pushes;

    @AfterEach
    void enableEveryone() {
        forum.deliver(Events.everyoneSwitch(false));
    }

    @Test
    void usernameMentionNotifiesCaseInsensitively() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);

        long message = forum.post(author, thread, "hi @" + alice.username().toUpperCase());

        assertThat(notifications.forUser(alice.id()))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.type()).isEqualTo(NotificationType.MENTION);
                    assertThat(n.messageId()).isEqualTo(message);
                    assertThat(n.threadId()).isEqualTo(thread);
                });
        await().atMost(Duration.ofSeconds(5)).until(() -> !pushes.forUser(alice.id(), "forum_notification").isEmpty()
                && !pushes.forUser(alice.id(), "forum_notification_count").isEmpty());
        JsonNode push = pushes.forUser(alice.id(), "forum_notification").get(0);
        assertThat(push.path("audience").asText()).isEqualTo("user");
        assertThat(push.has("seq")).isFalse();
        assertThat(push.path("payload").path("notification").path("type").asText()).isEqualTo("mention");
        assertThat(pushes.forUser(alice.id(), "forum_notification_count").get(0).path("payload").path("count")
                .asLong()).isEqualTo(1);
    }

    @Test
    void usernameMentionSkipsUserBelowThreadTier() {
        User author = forum.staff("admin");
        User poor = forum.member(0);
        User rich = forum.member(500);
        long thread = forum.thread(500, author);

        forum.post(author, thread, "@" + poor.username() + " @" + rich.username());

        assertThat(notifications.forUser(poor.id())).isEmpty();
        assertThat(notifications.typesForUser(rich.id())).containsExactly(NotificationType.MENTION);
    }

    @Test
    void usernameMentionNeverNotifiesTheAuthor() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);

        forum.post(author, thread, "note to self @" + author.username());

        assertThat(notifications.forUser(author.id())).isEmpty();
    }

    @Test
    void mentionsInCodeEmailsAndUrlsNotifyNobody() {
        User author = forum.member(0);
        User alice = forum.member(0);
        long thread = forum.thread(0, author);
        String name = alice.username();

        forum.post(author, thread, "`@" + name + "`\n\n```\n@" + name + "\n```\n\n    @" + name + "\n\nmail "
                + name + "@" + name + ".org or https://x.org/@" + name + " and `@everyone`");

        assertThat(notifications.forUser(alice.id())).isEmpty();
    }

    @Test
    void teamMentionNotifiesEachStaffMemberWithTeamMentionPush() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User moderator = forum.staff("moderator");
        User admin = forum.staff("admin");
        User member = forum.member(0);

        long message = forum.post(author, thread, "help please @team");

        assertThat(notifications.typesForUser(moderator.id())).containsExactly(NotificationType.TEAM_MENTION);
        assertThat(notifications.typesForUser(admin.id())).containsExactly(NotificationType.TEAM_MENTION);
        assertThat(notifications.forUser(member.id())).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> !pushes.forUser(moderator.id(), "team_mention").isEmpty());
        JsonNode payload = pushes.forUser(moderator.id(), "team_mention").get(0).path("payload");
        assertThat(payload.path("message_id").asLong()).isEqualTo(message);
        assertThat(payload.path("sender").path("id").asLong()).isEqualTo(author.id());
        assertThat(payload.path("notification_count").asLong()).isEqualTo(1);
    }

    @Test
    void everyoneMentionNotifiesEveryReaderWithOneReadersEnvelope() {
        User author = forum.member(1000);
        User reader = forum.member(1000);
        User belowTier = forum.member(0);
        User moderator = forum.staff("moderator");
        long thread = forum.thread(1000, author);

        long message = forum.post(author, thread, "@everyone read this");

        assertThat(notifications.typesForUser(reader.id())).containsExactly(NotificationType.EVERYONE_MENTION);
        assertThat(notifications.typesForUser(moderator.id())).containsExactly(NotificationType.EVERYONE_MENTION);
        assertThat(notifications.forUser(belowTier.id())).isEmpty();
        assertThat(notifications.forUser(author.id())).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> everyoneEnvelopes(message).size() == 1);
        JsonNode envelope = everyoneEnvelopes(message).get(0);
        assertThat(envelope.path("audience").asText()).isEqualTo("readers");
        assertThat(envelope.path("thread_id").asLong()).isEqualTo(thread);
        assertThat(envelope.path("min_tier_cents").asInt()).isEqualTo(1000);
        assertThat(pushes.forUser(reader.id(), "forum_notification")).isEmpty();
    }

    @Test
    void everyoneMentionRefusedWhileDisabledTellsTheAuthorWhy() {
        User author = forum.member(0);
        User reader = forum.member(0);
        long thread = forum.thread(0, author);
        forum.deliver(Events.everyoneSwitch(true));

        long message = forum.post(author, thread, "@everyone look");

        assertThat(notifications.forUser(reader.id())).isEmpty();
        assertThat(notifications.forUser(author.id())).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(NotificationType.EVERYONE_REFUSED);
            assertThat(n.content()).isEqualTo(MentionService.REASON_DISABLED);
            assertThat(n.messageId()).isEqualTo(message);
        });
    }

    @Test
    void everyoneMentionAllowedAgainAfterReEnable() {
        User author = forum.member(0);
        User reader = forum.member(0);
        long thread = forum.thread(0, author);
        forum.deliver(Events.everyoneSwitch(true), Events.everyoneSwitch(false));

        forum.post(author, thread, "@everyone look");

        assertThat(notifications.typesForUser(reader.id())).containsExactly(NotificationType.EVERYONE_MENTION);
    }

    @Test
    void everyoneMentionRefusedForRestrictedUserWithReason() {
        User author = forum.member(0);
        User reader = forum.member(0);
        long thread = forum.thread(0, author);
        forum.deliver(Events.everyoneRestricted(author.id(), "spamming", Instant.now().plusSeconds(3600)));

        forum.post(author, thread, "@everyone buy now");

        assertThat(notifications.forUser(reader.id())).isEmpty();
        assertThat(notifications.forUser(author.id())).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(NotificationType.EVERYONE_REFUSED);
            assertThat(n.content()).contains("spamming");
        });
    }

    @Test
    void everyoneMentionRefusedForUserRestrictedWithoutEnd() {
        User author = forum.member(0);
        User reader = forum.member(0);
        long thread = forum.thread(0, author);
        forum.deliver(Events.everyoneRestricted(author.id(), "indefinitely", null));

        forum.post(author, thread, "@everyone hi");

        assertThat(notifications.forUser(reader.id())).isEmpty();
        assertThat(notifications.typesForUser(author.id())).containsExactly(NotificationType.EVERYONE_REFUSED);
    }

    @Test
    void everyoneMentionAllowedOnceRestrictionExpired() {
        User author = forum.member(0);
        User reader = forum.member(0);
        long thread = forum.thread(0, author);
        forum.deliver(Events.everyoneRestricted(author.id(), "cool down", Instant.now().minusSeconds(1)));

        forum.post(author, thread, "@everyone back");

        assertThat(notifications.typesForUser(reader.id())).containsExactly(NotificationType.EVERYONE_MENTION);
        assertThat(notifications.forUser(author.id())).isEmpty();
    }

    @Test
    void everyoneMentionAllowedAfterUnrestrict() {
        User author = forum.member(0);
        User reader = forum.member(0);
        long thread = forum.thread(0, author);
        forum.deliver(Events.everyoneRestricted(author.id(), "oops", null), Events.everyoneUnrestricted(author.id()));

        forum.post(author, thread, "@everyone ok");

        assertThat(notifications.typesForUser(reader.id())).containsExactly(NotificationType.EVERYONE_MENTION);
    }

    @Test
    void editNotifiesOnlyNewlyMentionedUsers() {
        User author = forum.member(0);
        User alice = forum.member(0);
        User bob = forum.member(0);
        long thread = forum.thread(0, author);
        long message = forum.post(author, thread, "hi @" + alice.username());

        forum.deliver(Events.messageEdited(message, thread, "hi @" + alice.username() + " and @" + bob.username()));

        assertThat(notifications.typesForUser(alice.id())).containsExactly(NotificationType.MENTION);
        assertThat(notifications.typesForUser(bob.id())).containsExactly(NotificationType.MENTION);
    }

    @Test
    void editNeverRepeatsEveryone() {
        User author = forum.member(0);
        User reader = forum.member(0);
        long thread = forum.thread(0, author);
        long message = forum.post(author, thread, "@everyone v1");

        forum.deliver(Events.messageEdited(message, thread, "@everyone v2"));

        assertThat(notifications.typesForUser(reader.id())).containsExactly(NotificationType.EVERYONE_MENTION);
    }

    @Test
    void editAddingEveryoneNotifiesReaders() {
        User author = forum.member(0);
        User reader = forum.member(0);
        long thread = forum.thread(0, author);
        long message = forum.post(author, thread, "plain");

        forum.deliver(Events.messageEdited(message, thread, "now @everyone"));

        assertThat(notifications.typesForUser(reader.id())).containsExactly(NotificationType.EVERYONE_MENTION);
    }

    private List<JsonNode> everyoneEnvelopes(long messageId) {
        return pushes.matching(e -> "everyone_mention".equals(e.path("type").asText())
                && e.path("payload").path("message_id").asLong() == messageId);
    }
}
