package dev.forum.api.message.mapping;

import jakarta.enterprise.context.ApplicationScoped;
import org.commonmark.node.Image;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.HtmlWriter;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Markdown to safe HTML in two independent layers: commonmark escapes raw HTML and drops unsafe URLs, then the
 * OWASP sanitizer keeps only an allow-list of elements and attributes (no scripts, no event handlers, links only
 * http/https/mailto with rel=nofollow, the client's own {@code #/users/<name>} mention links, and images only from
 * this forum's uploads, see {@link UploadImages}; other Markdown images become links). In between,
 * {@link TextLinker} links bare URLs and mentions: {@code @user} (an existing user) becomes
 * {@code <a class="mention" href="#/users/<name>" data-username="<name>">@<name></a>}, {@code @team} and
 * {@code @everyone} become {@code <span class="mention mention-team|mention-everyone">}.
 */
@ApplicationScoped
public class MarkdownRenderer {

    private static final PolicyFactory POLICY = Sanitizers.FORMATTING
            .and(Sanitizers.BLOCKS)
            .and(Sanitizers.LINKS)
            .and(Sanitizers.TABLES)
            .and(new HtmlPolicyBuilder()
                    .allowElements("pre", "code", "hr", "br", "del", "span", "a", "img")
                    .allowAttributes("src").matching(UploadImages.UPLOAD_URL).onElements("img")
                    .allowAttributes("alt", "title").onElements("img")
                    .allowAttributes("loading").matching(Pattern.compile("lazy")).onElements("img")
                    .allowStandardUrlProtocols()
                    .allowAttributes("href").onElements("a")
                    .requireRelNofollowOnLinks()
                    .allowAttributes("class").matching(Pattern.compile("language-[A-Za-z0-9_+-]{1,32}")).onElements("code")
                    .allowAttributes("class").matching(Pattern.compile("mention")).onElements("a")
                    .allowAttributes("data-username").matching(Pattern.compile("[A-Za-z0-9_.-]{1,50}")).onElements("a")
                    .allowAttributes("class").matching(Pattern.compile("mention mention-(team|everyone)")).onElements("span")
                    .toFactory());

    private final Parser parser = Parser.builder().build();
    private final HtmlRenderer renderer = HtmlRenderer.builder()
            .escapeHtml(true)
            .sanitizeUrls(true)
            .softbreak("<br />")
            .nodeRendererFactory(MentionRenderer::new)
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                if (node instanceof Image) {
                    attributes.put("loading", "lazy");
                }
            })
            .build();

    /** Renders without user mentions ({@code @team}, {@code @everyone} and URLs are still marked up). */
    public String toSafeHtml(String markdown) {
        return toSafeHtml(markdown, names -> Map.of());
    }

    /**
     * Renders, linking {@code @name} for the names {@code usernames} knows: it gets the lower-cased names the text
     * mentions and answers lower-cased name to registered username for those that exist.
     */
    public String toSafeHtml(String markdown, Function<Set<String>, Map<String, String>> usernames) {
        Node document = parser.parse(markdown);
        Set<String> mentioned = TextLinker.mentionedUsernames(document);
        TextLinker.link(document, mentioned.isEmpty() ? Map.of() : usernames.apply(mentioned));
        UploadImages.linkForeignImages(document);
        return POLICY.sanitize(renderer.render(document)).strip();
    }

    private static final class MentionRenderer implements NodeRenderer {

        private final HtmlWriter html;

        MentionRenderer(HtmlNodeRendererContext context) {
            this.html = context.getWriter();
        }

        @Override
        public Set<Class<? extends Node>> getNodeTypes() {
            return Set.of(MentionNode.class);
        }

        @Override
        public void render(Node node) {
            MentionNode mention = (MentionNode) node;
            if (mention.kind == MentionNode.Kind.USER) {
                Map<String, String> attributes = new LinkedHashMap<>();
                attributes.put("class", "mention");
                attributes.put("href", "#/users/" + mention.name);
                attributes.put("data-username", mention.name);
                html.tag("a", attributes);
                html.text("@" + mention.name);
                html.tag("/a");
            } else {
                html.tag("span", Map.of("class", "mention mention-" + mention.name));
                html.text("@" + mention.name);
                html.tag("/span");
            }
        }
    }
}
