package dev.forum.notify;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Users acting through the real forum-api ({@link ForumApiProcess}) and reading this service's REST API. */
public final class ForumApiUsers {

    public record Session(long id, String username, String token) {
    }

    private ForumApiUsers() {
    }

    public static RequestSpecification asUser(Session s) {
        return given().header("Authorization", "Bearer " + s.token());
    }

    public static Session register() {
        String username = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "password-" + username;
        long id = forumApi().body(Map.of("username", username, "password", password)).post("/api/auth/register")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        String token = forumApi().body(Map.of("username", username, "password", password)).post("/api/auth/login")
                .then().statusCode(200).extract().jsonPath().getString("token");
        return new Session(id, username, token);
    }

    public static long createThread(Session s, String title) {
        return forumApi().header("Authorization", "Bearer " + s.token())
                .body(Map.of("title", title, "content", "first post of " + title))
                .post("/api/forum/threads").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long postMessage(Session s, long thread, String content) {
        return forumApi().header("Authorization", "Bearer " + s.token()).body(Map.of("content", content))
                .post("/api/forum/threads/" + thread + "/messages").then().statusCode(201).extract().jsonPath()
                .getLong("id");
    }

    /** The message ids of the user's notifications (this service's REST API). */
    public static List<Long> messageIds(Session s) {
        return asUser(s).queryParam("limit", 100).get("/api/forum/notifications").then().statusCode(200).extract()
                .jsonPath().getList("notifications.message_id", Long.class);
    }

    /** forum-api's base URL and JSON, for requests not covered above. */
    public static RequestSpecification forumApi() {
        return given().baseUri(ForumApiProcess.baseUrl).contentType(ContentType.JSON);
    }
}
