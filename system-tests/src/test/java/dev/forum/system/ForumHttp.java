package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** forum-api over HTTP, as a browser or API client would call it (bearer tokens). */
public final class ForumHttp {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PASSWORD_SUFFIX = "-system-pw";

    /** A logged-in user. */
    public record Session(long userId, String username, String token) {
    }

    private final String baseUrl;
    private final String internalToken;
    /** forum-api's event shard count, 0 until asked. */
    private volatile int eventShardCount;

    public ForumHttp(String baseUrl, String internalToken) {
        this.baseUrl = baseUrl;
        this.internalToken = internalToken;
    }

    public Session registerAndLogin(String username) {
        call("POST", "/api/auth/register", null, Map.of("username", username, "password", username + PASSWORD_SUFFIX,
                "display_name", username));
        return login(username, username + PASSWORD_SUFFIX);
    }

    public Session login(String username, String password) {
        JsonNode result = call("POST", "/api/auth/login", null, Map.of("username", username, "password", password));
        return new Session(result.path("user").path("id").asLong(), username, result.path("token").asText());
    }

    /** A second session of a user made by {@link #registerAndLogin} (another device). */
    public Session anotherSession(Session session) {
        return login(session.username(), session.username() + PASSWORD_SUFFIX);
    }

    /** The demo admin (forum-api started with forum.demo-data.enabled=true). */
    public Session admin() {
        return login("admin", "admin-dev-pw");
    }

    public void logout(Session session) {
        call("POST", "/api/auth/logout", session.token(), null);
    }

    public JsonNode setTier(Session admin, long userId, int tierCents) {
        return call("PATCH", "/api/admin/users/" + userId, admin.token(), Map.of("tier_cents", tierCents));
    }

    public JsonNode createThread(Session session, String title, String content, int minTierCents) {
        return call("POST", "/api/forum/threads", session.token(),
                Map.of("title", title, "content", content, "min_tier_cents", minTierCents));
    }

    public JsonNode patchThread(Session session, long threadId, Map<String, Object> updates) {
        return call("PATCH", "/api/forum/threads/" + threadId, session.token(), updates);
    }

    public JsonNode deleteThread(Session session, long threadId) {
        return call("DELETE", "/api/forum/threads/" + threadId, session.token(), null);
    }

    public JsonNode postMessage(Session session, long threadId, String content) {
        return call("POST", "/api/forum/threads/" + threadId + "/messages", session.token(), Map.of("content", content));
    }

    /** Posts {@code count} messages ("prefix 0", "prefix 1", ...); returns their ids in posting order. */
    public List<Long> postMessages(Session session, long threadId, int count, String prefix) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(postMessage(session, threadId, prefix + " " + i).path("id").asLong());
        }
        return ids;
    }

    public JsonNode editMessage(Session session, long messageId, String content) {
        return call("PATCH", "/api/forum/messages/" + messageId, session.token(), Map.of("content", content));
    }

    public JsonNode deleteMessage(Session session, long messageId) {
        return call("DELETE", "/api/forum/messages/" + messageId, session.token(), null);
    }

    public JsonNode like(Session session, long messageId) {
        return call("POST", "/api/forum/messages/" + messageId + "/like", session.token(), null);
    }

    public JsonNode unlike(Session session, long messageId) {
        return call("DELETE", "/api/forum/messages/" + messageId + "/like", session.token(), null);
    }

    public JsonNode createSubThread(Session session, long messageId, String title, String content) {
        return call("POST", "/api/forum/messages/" + messageId + "/threads", session.token(),
                Map.of("title", title, "content", content));
    }

    /**
     * One page (up to 1,000) of the internal event feed (what gateways replay from): a thread's events with
     * seq > afterSeq in its shard's stream (forum-api numbers events per shard; a thread lives in one).
     */
    public JsonNode threadEvents(long threadId, long afterSeq) {
        String query = "?shard=" + shardOfThread(threadId) + "&after_seq=" + afterSeq + "&limit=1000&thread_id="
                + threadId;
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/internal/events" + query))
                .header("X-Internal-Token", internalToken).GET());
    }

    /** The feed's pages after each shard's position ({@code POST /api/internal/events/positions}). */
    public JsonNode eventPositions(Map<Integer, Long> positions, int limit) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/internal/events/positions"))
                .header("X-Internal-Token", internalToken).header("Content-Type", "application/json")
                .POST(jsonBody(Map.of("positions", positions, "limit", limit))));
    }

    /** forum-api's event shard count (thread shards 0..n-1; the forum shard is -1), as its feed tells it. */
    public int eventShardCount() {
        if (eventShardCount == 0) {
            eventShardCount = eventPositions(Map.of(-1, 0L), 1).path("shard_count").asInt();
        }
        return eventShardCount;
    }

    /** The shard of a thread's events. */
    public int shardOfThread(long threadId) {
        return (int) Math.floorMod(threadId, (long) eventShardCount());
    }

    public JsonNode call(String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : jsonBody(body));
        return send(request);
    }

    private static HttpRequest.BodyPublisher jsonBody(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " -> "
                        + response.statusCode() + ": " + response.body());
            }
            String text = response.body();
            return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
