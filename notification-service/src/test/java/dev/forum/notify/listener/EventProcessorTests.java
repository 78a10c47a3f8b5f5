package dev.forum.notify.listener;

import dev.forum.contract.EventEnvelope;
import dev.forum.notify.Events;
import dev.forum.notify.Feed;
import dev.forum.notify.Forum;
import dev.forum.notify.Forum.User;
import dev.forum.notify.Notifications;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.db.Sql;
import dev.forum.notify.notification.NotificationType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The processing entry point the feed consumer calls for every event: cursor, idempotency and side
 * effects in one transaction, against the real PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
class EventProcessorTests {

    /** A shard epoch of these tests' own, with a fresh shard per test: cursors no other test moves. */
    private static final int EPOCH = 1_000_000;
    private static final AtomicInteger SHARDS = new AtomicInteger();

    @Inject
    EventProcessor processor;
    @Inject
    Feed feed;
    @Inject
    Forum forum;
    @Inject
    Notifications notifications;
    @Inject
    Sql sql;
    @Inject
    NotifyConfig config;

    @Test
    void processAllAppliesARunOnceAndAdvancesTheCursorToItsLastEvent() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        User bob = forum.member(0);
        long cursor = feed.cursor();
        List<EventEnvelope> run = List.of(
                Events.newMessage(Events.nextId(), thread, author.id(), author.username(), "@" + alice.username(), null)
                        .withSeq(cursor + 1),
                Events.newMessage(Events.nextId(), thread, author.id(), author.username(), "@" + bob.username(), null)
                        .withSeq(cursor + 2),
                Events.newMessage(Events.nextId(), thread, author.id(), author.username(), "@" + alice.username(), null)
                        .withSeq(cursor + 3));

        assertThat(processor.processAll(run)).isEqualTo(cursor + 3);
        assertThat(processor.processAll(run)).isEqualTo(cursor + 3); // redelivered: already consumed

        assertThat(feed.cursor()).isEqualTo(cursor + 3);
        assertThat(notifications.typesForUser(alice.id())).containsExactly("mention", "mention");
        assertThat(notifications.typesForUser(bob.id())).containsExactly("mention");
    }

    @Test
    void processAllRefusesARunThatDoesNotFollowTheCursor() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        long cursor = feed.cursor();
        List<EventEnvelope> run = List.of(
                Events.newMessage(Events.nextId(), thread, author.id(), author.username(), "one", null)
                        .withSeq(cursor + 2),
                Events.newMessage(Events.nextId(), thread, author.id(), author.username(), "two", null)
                        .withSeq(cursor + 3));

        assertThatThrownBy(() -> processor.processAll(run)).isInstanceOf(FeedGapException.class);
        assertThat(feed.cursor()).isEqualTo(cursor);
    }

    @Test
    void processAllAdvancesOnlyTheCursorOfItsShard() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        FeedStream shard = FeedStream.shard(EPOCH, freshShard());
        FeedStream other = FeedStream.shard(EPOCH, freshShard());
        long otherCursor = feed.cursor(other);
        long legacyCursor = feed.cursor();
        List<EventEnvelope> run = List.of(
                mention(author, thread, alice).withPosition(EPOCH, shard.shard(), 1),
                mention(author, thread, alice).withPosition(EPOCH, shard.shard(), 2));

        assertThat(processor.processAll(run)).isEqualTo(2);

        assertThat(feed.cursor(shard)).isEqualTo(2);
        assertThat(feed.cursor(other)).isEqualTo(otherCursor);
        assertThat(feed.cursor()).isEqualTo(legacyCursor);
        assertThat(notifications.typesForUser(alice.id())).containsExactly("mention", "mention");
    }

    @Test
    void processRefusesAGapInOneShardAndTakesTheNextEventOfAnother() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        FeedStream gapped = FeedStream.shard(EPOCH, freshShard());
        FeedStream other = FeedStream.shard(EPOCH, freshShard());

        assertThatThrownBy(() -> processor.process(mention(author, thread, alice).withPosition(EPOCH, gapped.shard(), 2)))
                .isInstanceOf(FeedGapException.class);
        assertThat(processor.process(mention(author, thread, alice).withPosition(EPOCH, other.shard(), 1)))
                .isEqualTo(Outcome.PROCESSED);

        assertThat(feed.cursor(gapped)).isZero();
        assertThat(feed.cursor(other)).isEqualTo(1);
    }

    @Test
    void processTheSameShardPositionInAnotherEpochIsANewStream() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        int shard = freshShard();

        assertThat(processor.process(mention(author, thread, alice).withPosition(EPOCH, shard, 1)))
                .isEqualTo(Outcome.PROCESSED);
        assertThat(processor.process(mention(author, thread, alice).withPosition(EPOCH + 1, shard, 1)))
                .isEqualTo(Outcome.PROCESSED);

        assertThat(feed.cursor(FeedStream.shard(EPOCH, shard))).isEqualTo(1);
        assertThat(feed.cursor(FeedStream.shard(EPOCH + 1, shard))).isEqualTo(1);
        assertThat(notifications.forUser(alice.id())).hasSize(2);
    }

    @Test
    void processAnEventIdAlreadyProcessedInTheLegacyStreamIsADuplicateInAShard() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        EventEnvelope event = mention(author, thread, alice);
        FeedStream shard = FeedStream.shard(EPOCH, freshShard());
        feed.deliver(event);

        assertThat(processor.process(event.withPosition(EPOCH, shard.shard(), 1))).isEqualTo(Outcome.DUPLICATE);

        assertThat(feed.cursor(shard)).isEqualTo(1);
        assertThat(notifications.forUser(alice.id())).hasSize(1);
    }

    @Test
    void processAllAdvancesEachStreamOfAMixedListToItsOwnLastEvent() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        FeedStream first = FeedStream.shard(EPOCH, freshShard());
        FeedStream second = FeedStream.shard(EPOCH, freshShard());
        List<EventEnvelope> events = List.of(
                mention(author, thread, alice).withPosition(EPOCH, first.shard(), 1),
                mention(author, thread, alice).withPosition(EPOCH, first.shard(), 2),
                mention(author, thread, alice).withPosition(EPOCH, second.shard(), 1));

        processor.processAll(events);

        assertThat(feed.cursor(first)).isEqualTo(2);
        assertThat(feed.cursor(second)).isEqualTo(1);
        assertThat(notifications.forUser(alice.id())).hasSize(3);
    }

    @Test
    void processEachCommitsTheRunsOfSeveralShardsInOneTransaction() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        FeedStream first = FeedStream.shard(EPOCH, freshShard());
        FeedStream second = FeedStream.shard(EPOCH, freshShard());
        FeedStream third = FeedStream.shard(EPOCH, freshShard());
        List<EventEnvelope> events = List.of(
                mention(author, thread, alice).withPosition(EPOCH, first.shard(), 1),
                mention(author, thread, alice).withPosition(EPOCH, first.shard(), 2),
                mention(author, thread, alice).withPosition(EPOCH, second.shard(), 1),
                mention(author, thread, alice).withPosition(EPOCH, third.shard(), 1));

        assertThat(processor.processEach(events)).isEmpty();
        // Redelivered (a stored cursor already past them): nothing applied twice.
        assertThat(processor.processEach(events)).isEmpty();

        assertThat(feed.cursor(first)).isEqualTo(2);
        assertThat(feed.cursor(second)).isEqualTo(1);
        assertThat(feed.cursor(third)).isEqualTo(1);
        assertThat(notifications.forUser(alice.id())).hasSize(4);
        // The rows were last written by one and the same transaction (xmin): one commit for the three shards.
        assertThat(List.of(writer(first), writer(second), writer(third))).containsOnly(writer(first));
    }

    @Test
    void processEachHoldsBackOnlyTheShardWithAGapAndGoesOnWithTheOthers() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        FeedStream before = FeedStream.shard(EPOCH, freshShard());
        FeedStream gapped = FeedStream.shard(EPOCH, freshShard());
        FeedStream after = FeedStream.shard(EPOCH, freshShard());
        List<EventEnvelope> events = List.of(
                mention(author, thread, alice).withPosition(EPOCH, before.shard(), 1),
                mention(author, thread, alice).withPosition(EPOCH, gapped.shard(), 2),
                mention(author, thread, alice).withPosition(EPOCH, gapped.shard(), 3),
                mention(author, thread, alice).withPosition(EPOCH, after.shard(), 1),
                mention(author, thread, alice).withPosition(EPOCH, after.shard(), 2));

        Map<FeedStream, RuntimeException> failures = processor.processEach(events);

        assertThat(failures).containsOnlyKeys(gapped);
        assertThat(failures.get(gapped)).isInstanceOf(FeedGapException.class);
        assertThat(feed.cursor(before)).isEqualTo(1);
        assertThat(feed.cursor(gapped)).isZero();
        assertThat(feed.cursor(after)).isEqualTo(2);
        assertThat(notifications.forUser(alice.id())).hasSize(3);
    }

    @Test
    void processTakesAnEventThatDoesNotFollowTheStoredCursorOnlyOnce() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        FeedStream shard = FeedStream.shard(EPOCH, freshShard());
        EventEnvelope one = mention(author, thread, alice).withPosition(EPOCH, shard.shard(), 1);
        EventEnvelope two = mention(author, thread, alice).withPosition(EPOCH, shard.shard(), 2);

        assertThat(processor.process(one)).isEqualTo(Outcome.PROCESSED);
        assertThat(processor.process(two)).isEqualTo(Outcome.PROCESSED);
        assertThat(processor.process(one)).isEqualTo(Outcome.ALREADY_CONSUMED);
        assertThat(processor.processAll(List.of(one, two))).isEqualTo(2);

        assertThat(feed.cursor(shard)).isEqualTo(2);
        assertThat(notifications.forUser(alice.id())).hasSize(2);
    }

    @Test
    void processSameEventTwiceCreatesOneNotification() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        long seq = feed.cursor() + 1;
        EventEnvelope mention = Events.newMessage(Events.nextId(), thread, author.id(), author.username(),
                "@" + alice.username(), null).withSeq(seq);

        assertThat(processor.process(mention)).isEqualTo(Outcome.PROCESSED);
        assertThat(processor.process(mention)).isEqualTo(Outcome.ALREADY_CONSUMED);

        assertThat(notifications.forUser(alice.id())).hasSize(1);
        assertThat(feed.cursor()).isEqualTo(seq);
    }

    @Test
    void processSameEventIdUnderNewSeqCreatesOneNotification() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        EventEnvelope mention = Events.newMessage(Events.nextId(), thread, author.id(), author.username(),
                "@" + alice.username(), null);

        assertThat(processor.process(mention.withSeq(feed.cursor() + 1))).isEqualTo(Outcome.PROCESSED);
        long redeliveredSeq = feed.cursor() + 1;
        assertThat(processor.process(mention.withSeq(redeliveredSeq))).isEqualTo(Outcome.DUPLICATE);

        assertThat(notifications.forUser(alice.id())).hasSize(1);
        assertThat(feed.cursor()).isEqualTo(redeliveredSeq);
    }

    @Test
    void processRefusesEventAfterGapAndKeepsCursor() {
        long cursor = feed.cursor();
        EventEnvelope ahead = Events.userRegistered(Events.nextId(), "gap_user", "member", 0).withSeq(cursor + 2);

        assertThatThrownBy(() -> processor.process(ahead)).isInstanceOf(FeedGapException.class);

        assertThat(feed.cursor()).isEqualTo(cursor);
    }

    @Test
    void processResumesFromStoredCursorWithoutSkipping() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        long start = feed.cursor();
        EventEnvelope first = Events.newMessage(Events.nextId(), thread, author.id(), author.username(),
                "one @" + alice.username(), null).withSeq(start + 1);
        EventEnvelope second = Events.newMessage(Events.nextId(), thread, author.id(), author.username(),
                "two @" + alice.username(), null).withSeq(start + 2);
        EventEnvelope third = Events.newMessage(Events.nextId(), thread, author.id(), author.username(),
                "three @" + alice.username(), null).withSeq(start + 3);
        processor.process(first);
        processor.process(second);

        // A restarted consumer re-reads the page from the stored cursor: the feed serves 1..3 again.
        assertThat(feed.cursor()).isEqualTo(start + 2);
        assertThat(processor.process(first)).isEqualTo(Outcome.ALREADY_CONSUMED);
        assertThat(processor.process(second)).isEqualTo(Outcome.ALREADY_CONSUMED);
        assertThat(processor.process(third)).isEqualTo(Outcome.PROCESSED);

        assertThat(notifications.forUser(alice.id())).hasSize(3);
        assertThat(feed.cursor()).isEqualTo(start + 3);
    }

    @Test
    void processRollsBackCursorWhenSideEffectsFail() {
        long cursor = feed.cursor();
        EventEnvelope broken = Events.followed(Events.nextId(), 1, true);
        broken.payload().remove("user_id");

        assertThatThrownBy(() -> processor.process(broken.withSeq(cursor + 1)));

        assertThat(feed.cursor()).isEqualTo(cursor);
    }

    @Test
    void newMessageNotifiesFollowersExceptAuthor() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User follower = forum.member(0);
        forum.deliver(Events.followed(thread, follower.id(), true), Events.followed(thread, author.id(), true));

        long message = forum.post(author, thread, "news");

        assertThat(notifications.forUser(follower.id())).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(NotificationType.NEW_MESSAGE);
            assertThat(n.messageId()).isEqualTo(message);
        });
        assertThat(notifications.forUser(author.id())).isEmpty();
    }

    @Test
    void newMessageStopsNotifyingAfterUnfollow() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User follower = forum.member(0);
        forum.deliver(Events.followed(thread, follower.id(), true), Events.followed(thread, follower.id(), false));

        forum.post(author, thread, "news");

        assertThat(notifications.forUser(follower.id())).isEmpty();
    }

    @Test
    void mentionOfFollowerCreatesOnlyTheMention() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User follower = forum.member(0);
        forum.deliver(Events.followed(thread, follower.id(), true));

        forum.post(author, thread, "hey @" + follower.username());

        assertThat(notifications.typesForUser(follower.id())).containsExactly(NotificationType.MENTION);
    }

    @Test
    void replyNotifiesTheRepliedToAuthor() {
        User alice = forum.member(0);
        long thread = forum.thread(0, alice);
        User bob = forum.member(0);
        long original = forum.post(alice, thread, "question");

        forum.reply(bob, thread, "answer", original);

        assertThat(notifications.typesForUser(alice.id())).containsExactly(NotificationType.REPLY);
    }

    @Test
    void newSubThreadNotifiesParentFollowers() {
        User author = forum.member(0);
        long parent = forum.thread(0, author);
        User follower = forum.member(0);
        forum.deliver(Events.followed(parent, follower.id(), true));
        long message = forum.post(author, parent, "spawn");
        long sub = Events.nextId();

        forum.deliver(Events.newSubThread(sub, parent, message, "Sub", 0, author.id(), author.username()));

        assertThat(notifications.forUser(follower.id()))
                .extracting(Notifications.Row::type, Notifications.Row::threadId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(NotificationType.NEW_MESSAGE, parent),
                        org.assertj.core.groups.Tuple.tuple(NotificationType.NEW_SUB_THREAD, sub));
    }

    @Test
    void newThreadNotifiesUsersWhoMayReadIt() {
        User creator = forum.member(0);
        User rich = forum.member(900);
        User poor = forum.member(100);
        User moderator = forum.staff("moderator");

        long thread = forum.thread(500, creator);

        assertThat(notifications.allForUser(rich.id())).extracting(Notifications.Row::threadId).contains(thread);
        assertThat(notifications.allForUser(moderator.id())).extracting(Notifications.Row::threadId).contains(thread);
        assertThat(notifications.allForUser(poor.id())).extracting(Notifications.Row::threadId).doesNotContain(thread);
        assertThat(notifications.allForUser(creator.id())).extracting(Notifications.Row::threadId)
                .doesNotContain(thread);
    }

    /** The transaction that last wrote the stream's cursor row. */
    private String writer(FeedStream stream) {
        return sql.one("SELECT xmin::text FROM consumer_shard_cursor WHERE consumer_id = ? AND shard_epoch = ? "
                + "AND shard = ?", rs -> rs.getString(1), config.consumer().id(), stream.shardEpoch(), stream.shard())
                .orElseThrow();
    }

    private static int freshShard() {
        return SHARDS.getAndIncrement();
    }

    private static EventEnvelope mention(User author, long thread, User mentioned) {
        return Events.newMessage(Events.nextId(), thread, author.id(), author.username(), "@" + mentioned.username(),
                null);
    }
}
