package dev.forum.notify.health;

import dev.forum.notify.Events;
import dev.forum.notify.Forum;
import dev.forum.notify.NotifyTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
class ObservabilityTests {

    @Inject
    Forum forum;

    @Test
    void shouldReportReadyWithPostgresqlAndConsumerPosition() {
        given().when().get(TestHTTPResourceManager.getManagementUri() + "/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'notification-consumer' }.data.postgresql", equalTo("up"))
                .body("checks.find { it.name == 'notification-consumer' }.data.lag", notNullValue())
                // consumption is off in this profile: this replica never takes the consumer lock
                .body("checks.find { it.name == 'notification-consumer' }.data.leader", equalTo(false));
    }

    @Test
    void shouldExposeProcessingMetrics() {
        Forum.User author = forum.member(0);
        long thread = forum.thread(0, author);
        Forum.User reader = forum.member(0);
        forum.deliver(Events.newMessage(Events.nextId(), thread, author.id(), author.username(),
                "hi @" + reader.username(), null));

        given().when().get(TestHTTPResourceManager.getManagementUri() + "/metrics")
                .then().statusCode(200)
                .body(containsString("notify_events_processed_total{outcome=\"processed\",type=\"new_message\"}"))
                .body(containsString("notify_consumer_lag"))
                .body(containsString("notify_push_outbox_oldest_age_seconds"))
                .body(containsString("notify_notifications_created_total"))
                .body(containsString("notify_fanout_duration_seconds_count{kind=\"followers\"}"))
                .body(containsString("notify_fanout_duration_seconds_count{kind=\"new_thread\"}"));
    }
}
