package dev.forum.notify.deadletter;

import dev.forum.contract.AuthContract;
import dev.forum.contract.EventEnvelope;
import dev.forum.notify.Events;
import dev.forum.notify.Feed;
import dev.forum.notify.Forum;
import dev.forum.notify.Forum.User;
import dev.forum.notify.Notifications;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.listener.EventProcessor;
import dev.forum.notify.listener.Outcome;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Poison events: after {@code notify.consumer.max-attempts} failures an event is recorded in
 * dead_letter_events, counted, and the consumer moves past it; operators list them over HTTP.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
class DeadLetterTests {

    @Inject
    EventProcessor processor;
    @Inject
    Feed feed;
    @Inject
    Forum forum;
    @Inject
    Notifications notifications;
    @ConfigProperty(name = "notify.consumer.max-attempts")
    int maxAttempts;
    @ConfigProperty(name = "notify.internal-token")
    String internalToken;

    @Test
    void processRetriesMalformedEventThenRecordsItAndMovesPast() {
        long cursor = feed.cursor();
        EventEnvelope poison = malformedFollow().withSeq(cursor + 1);

        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            assertThatThrownBy(() -> processor.process(poison));
            assertThat(feed.cursor()).isEqualTo(cursor);
        }
        assertThat(processor.process(poison)).isEqualTo(Outcome.DEAD_LETTERED);

        assertThat(feed.cursor()).isEqualTo(cursor + 1);
        given().header(AuthContract.INTERNAL_TOKEN_HEADER, internalToken).get("/api/internal/notify/dead-letters")
                .then().statusCode(200)
                .body(deadLetter(poison, "seq"), equalTo((int) (cursor + 1)))
                .body(deadLetter(poison, "type"), equalTo("thread_followed"))
                .body(deadLetter(poison, "attempts"), equalTo(maxAttempts))
                .body(deadLetter(poison, "error"), containsString("unreadable thread_followed payload"))
                .body(deadLetter(poison, "payload.payload.thread_id"), equalTo((int) poison.threadId().longValue()))
                .body(deadLetter(poison, "first_failure"), org.hamcrest.Matchers.notNullValue());
        given().get(TestHTTPResourceManager.getManagementUri() + "/metrics").then().statusCode(200)
                .body(containsString("notify_dead_letters_total{type=\"thread_followed\"}"));
    }

    @Test
    void processHandlesTheEventsAfterADeadLetter() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        EventEnvelope poison = malformedFollow().withSeq(feed.cursor() + 1);
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            assertThatThrownBy(() -> processor.process(poison));
        }
        processor.process(poison);

        forum.post(author, thread, "still here @" + alice.username());

        assertThat(notifications.typesForUser(alice.id())).containsExactly("mention");
    }

    @Test
    void processOfADeadLetteredEventRedeliveredIsADuplicate() {
        EventEnvelope poison = malformedFollow();
        long seq = feed.cursor() + 1;
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            assertThatThrownBy(() -> processor.process(poison.withSeq(seq)));
        }
        processor.process(poison.withSeq(seq));

        assertThat(processor.process(poison.withSeq(seq + 1))).isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void processAllCommitsTheEventsBeforeAPoisonEventInARunAndDeadLettersItAlone() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        long cursor = feed.cursor();
        EventEnvelope before = Events.newMessage(Events.nextId(), thread, author.id(), author.username(),
                "before @" + alice.username(), null).withSeq(cursor + 1);
        EventEnvelope poison = malformedFollow().withSeq(cursor + 2);
        EventEnvelope after = Events.newMessage(Events.nextId(), thread, author.id(), author.username(),
                "after @" + alice.username(), null).withSeq(cursor + 3);
        List<EventEnvelope> run = List.of(before, poison, after);

        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            assertThatThrownBy(() -> processor.processAll(run));
            assertThat(feed.cursor()).isEqualTo(cursor + 1);
        }
        assertThat(processor.processAll(run)).isEqualTo(cursor + 3);

        assertThat(feed.cursor()).isEqualTo(cursor + 3);
        assertThat(notifications.typesForUser(alice.id())).containsExactly("mention", "mention");
        given().header(AuthContract.INTERNAL_TOKEN_HEADER, internalToken).get("/api/internal/notify/dead-letters")
                .then().statusCode(200).body(deadLetter(poison, "attempts"), equalTo(maxAttempts));
    }

    @Test
    void shouldRefuseDeadLettersWithoutTheInternalToken() {
        given().get("/api/internal/notify/dead-letters").then().statusCode(401)
                .body("error.code", equalTo("unauthorized"));
        given().header(AuthContract.INTERNAL_TOKEN_HEADER, "forged").get("/api/internal/notify/dead-letters")
                .then().statusCode(401).body("error.code", equalTo("unauthorized"));
    }

    @Test
    void shouldRejectBadLimit() {
        given().header(AuthContract.INTERNAL_TOKEN_HEADER, internalToken).queryParam("limit", 0)
                .get("/api/internal/notify/dead-letters").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter")).body("error.field", equalTo("limit"));
    }

    /** A follow event without its user_id: it can never be applied. */
    private static EventEnvelope malformedFollow() {
        EventEnvelope follow = Events.followed(Events.nextId(), Events.nextId(), true);
        follow.payload().remove("user_id");
        return follow;
    }

    private static String deadLetter(EventEnvelope event, String field) {
        return "dead_letters.find { it.event_id == '" + event.eventId() + "' }." + field;
    }
}
