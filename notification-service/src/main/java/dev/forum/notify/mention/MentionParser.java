package dev.forum.notify.mention;

import dev.forum.contract.ReservedUsernames;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code @username}, {@code @team} and {@code @everyone} in a message's markdown.
 *
 * <p>Rules (docs/notifications.md):
 * <ul>
 *   <li>case-insensitive; usernames are letters, digits, {@code _}, {@code .} and {@code -}, at most
 *       {@value #MAX_USERNAME} characters; a trailing {@code .} or {@code -} ends the sentence, not the name;</li>
 *   <li>a mention starts the text or follows a character that cannot be part of an e-mail's local
 *       part, so {@code bob@example.com} mentions nobody;</li>
 *   <li>nothing inside fenced code blocks ({@code ```} / {@code ~~~}), indented code blocks (4 spaces
 *       or a tab after a blank line), code spans ({@code `...`}, any backtick run length), or URLs
 *       ({@code scheme://...}, {@code www....}).</li>
 * </ul>
 * Pure Java, no framework: unit-tested alone.
 */
public final class MentionParser {

    public static final int MAX_USERNAME = 50;
    public static final String TEAM = ReservedUsernames.TEAM;
    public static final String EVERYONE = ReservedUsernames.EVERYONE;

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");
    private static final Pattern INDENTED = Pattern.compile("^(?: {4}|\\t)");
    private static final Pattern URL = Pattern.compile(
            "(?i)\\b(?:[a-z][a-z0-9+.-]*://|www\\.|mailto:)[^\\s<>\"'`]*");
    private static final Pattern MENTION = Pattern.compile("@([A-Za-z0-9_][A-Za-z0-9_.-]*)");

    private MentionParser() {
    }

    public static Mentions parse(String content) {
        if (content == null || content.indexOf('@') < 0) {
            return Mentions.NONE;
        }
        String prose = stripUrls(stripCodeSpans(stripCodeBlocks(content)));
        Set<String> usernames = new LinkedHashSet<>();
        boolean team = false;
        boolean everyone = false;
        Matcher m = MENTION.matcher(prose);
        while (m.find()) {
            if (m.start() > 0 && partOfAddress(prose.charAt(m.start() - 1))) {
                continue;
            }
            String name = trimTrailingPunctuation(m.group(1));
            if (name.isEmpty() || name.length() > MAX_USERNAME) {
                continue;
            }
            int end = m.start() + 1 + name.length();
            if (end < prose.length() && prose.charAt(end) == '@') {
                continue; // "@a@b": not a mention, an address-like token
            }
            String lower = name.toLowerCase(Locale.ROOT);
            switch (lower) {
                case TEAM -> team = true;
                case EVERYONE -> everyone = true;
                default -> usernames.add(lower);
            }
        }
        return new Mentions(Set.copyOf(usernames), team, everyone);
    }

    /** Characters that, right before {@code @}, make it part of an address or a word. */
    private static boolean partOfAddress(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '+' || c == '-' || c == '@'
                || c == '/' || c == '\\' || c == '%' || c == '=';
    }

    private static String trimTrailingPunctuation(String name) {
        int end = name.length();
        while (end > 0 && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == '-')) {
            end--;
        }
        return name.substring(0, end);
    }

    /** Blanks fenced and indented code blocks, line by line (CommonMark's block rules, simplified). */
    static String stripCodeBlocks(String content) {
        String[] lines = content.split("\r?\n", -1);
        StringBuilder out = new StringBuilder(content.length());
        String openFence = null;
        boolean previousBlank = true;
        boolean inIndented = false;
        for (String line : lines) {
            boolean blank = line.isBlank();
            if (openFence != null) {
                Matcher close = FENCE.matcher(line);
                if (close.matches() && close.group(1).charAt(0) == openFence.charAt(0)
                        && close.group(1).length() >= openFence.length() && close.group(2).isBlank()) {
                    openFence = null;
                }
                out.append('\n');
                previousBlank = false;
                continue;
            }
            Matcher open = FENCE.matcher(line);
            if (open.matches() && !(open.group(1).charAt(0) == '`' && open.group(2).contains("`"))) {
                openFence = open.group(1);
                out.append('\n');
                previousBlank = false;
                inIndented = false;
                continue;
            }
            if (!blank && INDENTED.matcher(line).find() && (previousBlank || inIndented)) {
                inIndented = true;
                out.append('\n');
                previousBlank = false;
                continue;
            }
            if (!blank) {
                inIndented = false;
            }
            out.append(line).append('\n');
            previousBlank = blank;
        }
        return out.toString();
    }

    /** Blanks code spans: a backtick run up to the next run of the same length; unmatched runs are literal. */
    static String stripCodeSpans(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != '`') {
                out.append(c);
                i++;
                continue;
            }
            int runEnd = i;
            while (runEnd < n && text.charAt(runEnd) == '`') {
                runEnd++;
            }
            int runLength = runEnd - i;
            int close = findClosingRun(text, runEnd, runLength);
            if (close < 0) {
                out.append(text, i, runEnd);
                i = runEnd;
            } else {
                out.append(' ');
                i = close + runLength;
            }
        }
        return out.toString();
    }

    private static int findClosingRun(String text, int from, int runLength) {
        int i = from;
        int n = text.length();
        while (i < n) {
            if (text.charAt(i) != '`') {
                i++;
                continue;
            }
            int end = i;
            while (end < n && text.charAt(end) == '`') {
                end++;
            }
            if (end - i == runLength) {
                return i;
            }
            i = end;
        }
        return -1;
    }

    static String stripUrls(String text) {
        return URL.matcher(text).replaceAll(" ");
    }
}
