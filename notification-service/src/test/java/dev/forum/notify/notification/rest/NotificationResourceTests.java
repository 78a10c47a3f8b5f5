package dev.forum.notify.notification.rest;

import dev.forum.notify.NotifyTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The REST surface without a forum-api: every endpoint refuses a request without a session, and
 * answers 503 in the team's error format when forum-api cannot confirm a session. (With a session,
 * the endpoints call {@code UnreadService}/{@code NotificationService}, tested in their own classes;
 * end-to-end REST with a real forum-api is the system tests' part.)
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
class NotificationResourceTests {

    @ParameterizedTest
    @CsvSource({
        "GET, /api/forum/notifications",
        "GET, /api/forum/notifications/unread-counts",
        "POST, /api/forum/notifications/7/read",
        "POST, /api/forum/notifications/mark-all-read",
        "POST, /api/forum/threads/3/notifications/read"})
    void shouldRejectRequestWithoutSession(String method, String path) {
        given().when().request(method, path)
                .then().statusCode(401).contentType(ContentType.JSON)
                .body("error.code", equalTo("unauthorized"))
                .body("error.message", containsString("session"));
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /api/forum/notifications",
        "POST, /api/forum/threads/3/notifications/read"})
    void shouldAnswer503WhenForumApiCannotConfirmSession(String method, String path) {
        given().header("Authorization", "Bearer some-token").when().request(method, path)
                .then().statusCode(503).contentType(ContentType.JSON)
                .body("error.code", equalTo("auth_unavailable"));
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /api/forum/notifications",
        "POST, /api/forum/notifications/mark-all-read"})
    void shouldAcceptSessionCookieAsCredential(String method, String path) {
        given().cookie("forum_session", "cookie-token").header("X-Requested-With", "forum").when().request(method, path)
                .then().statusCode(503).body("error.code", equalTo("auth_unavailable"));
    }

    @ParameterizedTest
    @CsvSource({
        "POST, /api/forum/notifications/mark-all-read",
        "POST, /api/forum/notifications/7/read",
        "POST, /api/forum/threads/3/notifications/read"})
    void shouldRefuseCrossSiteCookieWritesWithoutTheCsrfHeader(String method, String path) {
        given().cookie("forum_session", "cookie-token").when().request(method, path)
                .then().statusCode(403).contentType(ContentType.JSON)
                .body("error.code", equalTo("csrf_check_failed"));
    }

    @ParameterizedTest
    @CsvSource({"GET, /api/forum/nope", "GET, /api/forum/notifications/x/y/z"})
    void shouldAnswerUnknownPathsWithJsonError(String method, String path) {
        given().when().request(method, path)
                .then().statusCode(404).contentType(ContentType.JSON).body("error.code", equalTo("not_found"));
    }
}
