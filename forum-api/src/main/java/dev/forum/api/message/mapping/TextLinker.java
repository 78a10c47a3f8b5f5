package dev.forum.api.message.mapping;

import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links what a writer did not mark up, in the text of a parsed Markdown document: bare URLs ({@code https://…},
 * {@code www.…}) become links, and {@code @username} of an existing user, {@code @team} and {@code @everyone}
 * become {@link MentionNode}s. Text inside code (spans and blocks are not {@link Text} nodes), links and images is
 * left alone. The mention rules are notification-service's ({@code MentionParser}, docs/notifications.md): a
 * username is letters, digits, {@code _ . -}; a trailing {@code .} or {@code -} ends the sentence; an {@code @}
 * right after a letter, digit or {@code _ . + - @ / \ % =} is part of an address, not a mention.
 */
final class TextLinker {

    static final String TEAM = "team";
    static final String EVERYONE = "everyone";
    static final int MAX_USERNAME = 50;

    private static final Pattern TOKEN = Pattern.compile(
            "(?i)(?<url>\\b(?:https?://|www\\.)[^\\s<>\"'`]+)|@(?<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)");

    private TextLinker() {
    }

    /** The lower-cased usernames (not team or everyone) the document's text mentions. */
    static Set<String> mentionedUsernames(Node document) {
        Set<String> names = new LinkedHashSet<>();
        for (Text text : prose(document)) {
            Matcher m = TOKEN.matcher(text.getLiteral());
            while (m.find()) {
                String name = mention(text, m);
                if (name != null && !name.equals(TEAM) && !name.equals(EVERYONE)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Replaces bare URLs and mentions by nodes; {@code usernames} maps a lower-cased name to the registered one. */
    static void link(Node document, Map<String, String> usernames) {
        for (Text text : prose(document)) {
            String literal = text.getLiteral();
            Matcher m = TOKEN.matcher(literal);
            List<Node> parts = new ArrayList<>();
            int done = 0;
            while (m.find()) {
                Node node = null;
                int end = m.end();
                if (m.group("url") != null) {
                    String url = trimUrl(m.group("url"));
                    end = m.start() + url.length();
                    Link link = new Link(url.regionMatches(true, 0, "www.", 0, 4) ? "http://" + url : url, null);
                    link.appendChild(new Text(url));
                    node = link;
                } else {
                    String name = mention(text, m);
                    if (name != null) {
                        end = m.start() + 1 + name.length();
                        node = name.equals(TEAM) ? new MentionNode(MentionNode.Kind.TEAM, TEAM)
                                : name.equals(EVERYONE) ? new MentionNode(MentionNode.Kind.EVERYONE, EVERYONE)
                                : usernames.containsKey(name) ? new MentionNode(MentionNode.Kind.USER, usernames.get(name))
                                : null;
                    }
                }
                if (node == null) {
                    continue;
                }
                if (m.start() > done) {
                    parts.add(new Text(literal.substring(done, m.start())));
                }
                parts.add(node);
                done = end;
            }
            if (parts.isEmpty()) {
                continue;
            }
            if (done < literal.length()) {
                parts.add(new Text(literal.substring(done)));
            }
            for (Node part : parts) {
                text.insertBefore(part);
            }
            text.unlink();
        }
    }

    /** The lower-cased mentioned name at the match, or null when the match is not a mention. */
    private static String mention(Text text, Matcher m) {
        String raw = m.group("name");
        if (raw == null) {
            return null;
        }
        String literal = text.getLiteral();
        char before = m.start() > 0 ? literal.charAt(m.start() - 1) : lastCharBefore(text);
        if (partOfAddress(before)) {
            return null;
        }
        int end = raw.length();
        while (end > 0 && (raw.charAt(end - 1) == '.' || raw.charAt(end - 1) == '-')) {
            end--;
        }
        String name = raw.substring(0, end);
        int after = m.start() + 1 + name.length();
        if (name.isEmpty() || name.length() > MAX_USERNAME || (after < literal.length() && literal.charAt(after) == '@')) {
            return null;
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static char lastCharBefore(Text text) {
        if (text.getPrevious() instanceof Text previous && !previous.getLiteral().isEmpty()) {
            String s = previous.getLiteral();
            return s.charAt(s.length() - 1);
        }
        return ' ';
    }

    private static boolean partOfAddress(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '+' || c == '-' || c == '@'
                || c == '/' || c == '\\' || c == '%' || c == '=';
    }

    /** A URL ends before trailing sentence punctuation, and before a ')' it did not open. */
    private static String trimUrl(String url) {
        int end = url.length();
        while (end > 0) {
            char c = url.charAt(end - 1);
            if (".,;:!?*_~".indexOf(c) >= 0
                    || (c == ')' && url.chars().limit(end).filter(x -> x == '(').count()
                    < url.chars().limit(end).filter(x -> x == ')').count())) {
                end--;
            } else {
                break;
            }
        }
        return url.substring(0, end);
    }

    /** The document's text nodes outside links and images (code is not Text). */
    private static List<Text> prose(Node document) {
        List<Text> texts = new ArrayList<>();
        document.accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                // its text is already a link
            }

            @Override
            public void visit(Image image) {
                // alt text
            }

            @Override
            public void visit(Text text) {
                texts.add(text);
            }
        });
        return texts;
    }
}
