package dev.forum.api.message.mapping;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownRendererTest {

    private static final Map<String, String> REGISTERED = Map.of("alice", "Alice", "bob.smith", "bob.smith");

    private final MarkdownRenderer renderer = new MarkdownRenderer();
    private final Set<String> lookedUp = new HashSet<>();
    private final Function<Set<String>, Map<String, String>> users = names -> {
        lookedUp.addAll(names);
        Map<String, String> found = new java.util.HashMap<>();
        names.forEach(n -> { if (REGISTERED.containsKey(n)) found.put(n, REGISTERED.get(n)); });
        return found;
    };

    private String render(String markdown) {
        return renderer.toSafeHtml(markdown, users);
    }

    private static String userLink(String name) {
        return "<a class=\"mention\" href=\"#/users/" + name + "\" data-username=\"" + name + "\" rel=\"nofollow\">&#64;" + name + "</a>";
    }

    @Test
    void toSafeHtmlLinksMentionsOfExistingUsersOnly() {
        assertThat(render("hi @alice and @nobody")).isEqualTo("<p>hi " + userLink("Alice") + " and &#64;nobody</p>");
        assertThat(lookedUp).containsExactlyInAnyOrder("alice", "nobody");
    }

    @Test
    void toSafeHtmlEndsANameBeforeTrailingSentencePunctuation() {
        assertThat(render("Thanks @ALICE. And @bob.smith-")).isEqualTo("<p>Thanks " + userLink("Alice") + ". And " + userLink("bob.smith") + "-</p>");
    }

    @Test
    void toSafeHtmlMarksTeamAndEveryone() {
        assertThat(render("@team and @Everyone")).isEqualTo(
                "<p><span class=\"mention mention-team\">&#64;team</span> and <span class=\"mention mention-everyone\">&#64;everyone</span></p>");
    }

    @Test
    void toSafeHtmlLeavesCodeLinksAndAddressesAlone() {
        String html = render("`@alice` [@alice](https://example.org) alice@example.org x@alice\n\n```\n@alice\n```");
        assertThat(html).doesNotContain("class=\"mention\"");
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void toSafeHtmlLinksBareUrlsWithoutTrailingPunctuation() {
        assertThat(render("see https://example.org/a_(b). and www.example.org, or (https://example.org/x)"))
                .isEqualTo("<p>see <a href=\"https://example.org/a_%28b%29\" rel=\"nofollow\">https://example.org/a_(b)</a>. and "
                        + "<a href=\"http://www.example.org\" rel=\"nofollow\">www.example.org</a>, or "
                        + "(<a href=\"https://example.org/x\" rel=\"nofollow\">https://example.org/x</a>)</p>");
    }

    @Test
    void toSafeHtmlNeverLinksOtherSchemesOrLetsMarkupThrough() {
        String html = render("javascript:alert(1) @alice\"><script>alert(2)</script> <img src=x onerror=alert(3)>");
        assertThat(html).doesNotContain("<script", "<img", "href=\"javascript").contains(userLink("Alice"));
    }

    private static final String UPLOAD = "/api/forum/uploads/0b6f7c1e-52a4-4c5e-9a57-3f4d2f0c9e11";

    @Test
    void toSafeHtmlShowsImagesUploadedHere() {
        assertThat(render("look: ![the plan](" + UPLOAD + ")"))
                .isEqualTo("<p>look: <img src=\"" + UPLOAD + "\" alt=\"the plan\" loading=\"lazy\" /></p>");
    }

    @Test
    void toSafeHtmlTurnsImagesFromElsewhereIntoLinks() {
        assertThat(render("![tracker](https://evil.example/pixel.png) ![](http://x.example/a.gif)"))
                .isEqualTo("<p><a href=\"https://evil.example/pixel.png\" rel=\"nofollow\">tracker</a> "
                        + "<a href=\"http://x.example/a.gif\" rel=\"nofollow\">http://x.example/a.gif</a></p>");
    }

    @Test
    void toSafeHtmlNeverShowsAnImageWhoseUrlOnlyLooksLikeAnUpload() {
        String html = render("![a](" + UPLOAD + "?x=1) ![b](https://evil.example" + UPLOAD + ") ![c](" + UPLOAD + "/../../x)"
                + " ![d](//evil.example" + UPLOAD + ") <img src=\"" + UPLOAD + "\">");
        assertThat(html).doesNotContain("<img");
    }
}
