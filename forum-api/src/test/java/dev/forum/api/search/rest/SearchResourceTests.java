package dev.forum.api.search.rest;

import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class SearchResourceTests {

    @Inject
    TestUsers users;

    /** A made-up word no other test writes, so each test sees only its own matches. */
    private static String word() {
        StringBuilder w = new StringBuilder("zq");
        for (int i = 0; i < 8; i++) {
            w.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return w.toString();
    }

    private static JsonPath search(TestUsers.TestUser user, String q) {
        return user.req().queryParam("q", q).get("/api/forum/search").then().statusCode(200).extract().jsonPath();
    }

    /** A new thread of {@code user}'s with these messages after its first; returns their ids. */
    private static long[] thread(TestUsers.TestUser user, String title, String... contents) {
        long thread = ForumApi.createThread(user, title);
        return java.util.Arrays.stream(contents).mapToLong(c -> ForumApi.postMessage(user, thread, c)).toArray();
    }

    private static List<Long> messageIds(TestUsers.TestUser user, String q) {
        return search(user, q).getList("results.findAll { it.kind == 'message' }.message_id", Long.class);
    }

    @Test
    void shouldFindMessagesByWordPhraseAndPrefixWithHighlightedSnippets() {
        TestUsers.TestUser alice = users.member();
        String w = word();
        long[] posted = thread(alice, "Gardening", "My " + w + " tomatoes ripen early this year",
                "Early peppers and " + w + " beans");
        long tomatoes = posted[0];
        long peppers = posted[1];

        JsonPath found = search(alice, w);
        assertThat(found.getList("results.message_id", Long.class)).containsExactlyInAnyOrder(tomatoes, peppers);
        assertThat(found.getString("results[0].thread_title")).isEqualTo("Gardening");
        assertThat(found.getString("results[0].username")).isEqualTo(alice.username());
        assertThat(found.getString("results[0].snippet_html")).contains("<mark>" + w + "</mark>");

        assertThat(messageIds(alice, "\"" + w + " tomatoes\"")).containsExactly(tomatoes);
        assertThat(messageIds(alice, w + " -peppers")).containsExactly(tomatoes);
        assertThat(messageIds(alice, w.substring(0, 6) + "* ripening")).containsExactly(tomatoes);
    }

    @Test
    void shouldMatchAPhraseOnlyWhereItsWordsAreAdjacent() {
        TestUsers.TestUser alice = users.member();
        String w = word();
        long[] posted = thread(alice, "Phrases", "The " + w + " tomatoes are red", "Tomatoes, and " + w + " later");

        assertThat(messageIds(alice, "\"" + w + " tomatoes\"")).containsExactly(posted[0]);
        assertThat(messageIds(alice, w + " -\"" + w + " tomatoes\"")).containsExactly(posted[1]);
    }

    @Test
    void shouldFindAThreadByItsTitle() {
        TestUsers.TestUser alice = users.member();
        String w = word();
        long thread = ForumApi.createThread(alice, "All about " + w);

        JsonPath found = search(alice, w);
        // The title outranks the thread's first message, which repeats it ("First message of All about ...").
        assertThat(found.getList("results.kind")).containsExactly("thread", "message");
        assertThat(found.getList("results.thread_id", Long.class)).containsOnly(thread);
        assertThat(found.getString("results[0].snippet_html")).isEqualTo("All about <mark>" + w + "</mark>");
    }

    @Test
    void shouldNeverFindAGatedThreadOrItsMessagesBelowItsTier() {
        TestUsers.TestUser supporter = users.member(500);
        TestUsers.TestUser free = users.member(0);
        String w = word();
        long gated = ForumApi.createThread(supporter, "Supporters " + w, 500);
        ForumApi.postMessage(supporter, gated, "secret " + w);

        assertThat(search(free, w).getList("results")).isEmpty();
        // The title, the first message (which repeats it) and the second message.
        assertThat(search(supporter, w).getList("results")).hasSize(3);
        assertThat(search(users.moderator(), w).getList("results")).hasSize(3);
    }

    @Test
    void shouldNeverFindASubThreadWhoseParentIsGatedOrDeleted() {
        TestUsers.TestUser mod = users.moderator();
        TestUsers.TestUser free = users.member(0);
        String w = word();
        long parent = ForumApi.createThread(mod, "Open parent");
        long spawnFrom = ForumApi.postMessage(mod, parent, "spawn here");
        long sub = mod.req().body(Map.of("title", "Sub " + w, "content", "sub message " + w))
                .post("/api/forum/messages/" + spawnFrom + "/threads").then().statusCode(201).extract().jsonPath().getLong("id");
        assertThat(search(free, w).getList("results.thread_id", Long.class)).containsOnly(sub).hasSize(2);

        mod.req().body(Map.of("min_tier_cents", 900)).patch("/api/forum/threads/" + parent).then().statusCode(200);
        assertThat(search(free, w).getList("results")).isEmpty();
        assertThat(search(mod, w).getList("results")).hasSize(2);

        mod.req().body(Map.of("min_tier_cents", 0)).patch("/api/forum/threads/" + parent).then().statusCode(200);
        mod.req().delete("/api/forum/threads/" + parent).then().statusCode(204);
        assertThat(search(free, w).getList("results")).isEmpty();
        assertThat(search(mod, w).getList("results")).isEmpty();
    }

    @Test
    void shouldNeverFindDeletedOrReplacedText() {
        TestUsers.TestUser alice = users.member();
        String deleted = word();
        String edited = word();
        String gone = word();
        long thread = ForumApi.createThread(alice, "Housekeeping");
        long root = ForumApi.postMessage(alice, thread, "to be deleted " + deleted);
        ForumApi.postMessage(alice, thread, "a reply, deleted with its root " + deleted, root);
        long message = ForumApi.postMessage(alice, thread, "first version " + edited);
        long goneThread = ForumApi.createThread(alice, "Gone " + gone);

        alice.req().delete("/api/forum/messages/" + root).then().statusCode(200);
        alice.req().body(Map.of("content", "second version")).patch("/api/forum/messages/" + message).then().statusCode(200);
        alice.req().delete("/api/forum/threads/" + goneThread).then().statusCode(204);

        assertThat(search(alice, deleted).getList("results")).isEmpty();
        assertThat(search(alice, edited).getList("results")).isEmpty();
        assertThat(search(alice, gone).getList("results")).isEmpty();
        assertThat(messageIds(alice, "second version")).contains(message);
    }

    @Test
    void shouldEscapeEverythingButTheHighlightInSnippets() {
        TestUsers.TestUser alice = users.member();
        String w = word();
        long thread = ForumApi.createThread(alice, "Escapes");
        ForumApi.postMessage(alice, thread, "`<img src=x onerror=alert(1)>` & <script>alert(2)</script> \u0002" + w + "\u0003 \"q\"");

        String snippet = search(alice, w).getString("results[0].snippet_html");
        assertThat(snippet).contains("<mark>" + w + "</mark>").doesNotContain("<img", "<script", "\u0002", "\u0003");
        assertThat(snippet.replace("<mark>", "").replace("</mark>", "")).doesNotContain("<", ">");
    }

    @Test
    void shouldPageResultsByOffsetNewestFirst() {
        TestUsers.TestUser alice = users.member();
        String w = word();
        long thread = ForumApi.createThread(alice, "Paging");
        long first = ForumApi.postMessage(alice, thread, "one " + w);
        long second = ForumApi.postMessage(alice, thread, "two " + w);
        long third = ForumApi.postMessage(alice, thread, "three " + w);

        JsonPath page1 = alice.req().queryParams(Map.of("q", w, "sort", "newest", "limit", 2)).get("/api/forum/search")
                .then().statusCode(200).body("next_offset", equalTo(2)).extract().jsonPath();
        assertThat(page1.getList("results.message_id", Long.class)).containsExactly(third, second);
        JsonPath page2 = alice.req().queryParams(Map.of("q", w, "sort", "newest", "limit", 2, "offset", 2))
                .get("/api/forum/search").then().statusCode(200).extract().jsonPath();
        assertThat(page2.getList("results.message_id", Long.class)).containsExactly(first);
        assertThat(page2.getString("next_offset")).isNull();
    }

    @Test
    void shouldRefuseABadQueryWithTheFieldNamed() {
        TestUsers.TestUser alice = users.member();
        Map<String, Map<String, Object>> bad = Map.of(
                "q", Map.of(),
                "q ", Map.of("q", "   "),
                "q  ", Map.of("q", "the and of"),
                "q   ", Map.of("q", "-excluded"),
                "q    ", Map.of("q", "x".repeat(201)),
                "q     ", Map.of("q", "a*"),
                "limit", Map.of("q", "word", "limit", 0),
                "offset", Map.of("q", "word", "offset", -1),
                "sort", Map.of("q", "word", "sort", "random"));
        bad.forEach((field, params) -> alice.req().queryParams(params).get("/api/forum/search")
                .then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter"))
                .body("error.field", equalTo(field.strip())));
        alice.req().queryParam("limit", "abc").queryParam("q", "word").get("/api/forum/search")
                .then().statusCode(400).body("error.field", equalTo("limit"));
    }

    @Test
    void shouldNotSearchWithoutASession() {
        given().queryParam("q", "anything").get("/api/forum/search").then().statusCode(401);
    }
}
