package dev.forum.api.search;

import dev.forum.common.error.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user typed into the search box, split for PostgreSQL: everything but prefix terms goes to
 * {@code websearch_to_tsquery} (words, {@code "quoted phrases"}, {@code -excluded}, {@code or}); a word ending in
 * {@code *} outside quotes ({@code data*}) becomes a prefix term {@code data:*} of {@code to_tsquery}. Prefix terms
 * are letters and digits only, so they cannot inject tsquery syntax.
 */
public record SearchQuery(String websearch, List<String> prefixes) {

    public static final int MAX_LENGTH = 200;
    public static final int MIN_PREFIX = 2;

    private static final Pattern PREFIX = Pattern.compile("(?<![\\p{L}\\p{N}])([\\p{L}\\p{N}]+)\\*");

    /** Parses {@code q}; 400 {@code invalid_parameter} (field {@code q}) when it is missing, blank or too long. */
    public static SearchQuery parse(String q) {
        if (q == null || q.isBlank()) {
            throw invalid("q is required");
        }
        if (q.length() > MAX_LENGTH) {
            throw invalid("q must be at most " + MAX_LENGTH + " characters");
        }
        StringBuilder rest = new StringBuilder();
        List<String> prefixes = new ArrayList<>();
        boolean quoted = false;
        for (String part : q.split("\"", -1)) {
            if (quoted) {
                rest.append('"').append(part).append('"');
            } else {
                Matcher m = PREFIX.matcher(part);
                StringBuilder plain = new StringBuilder();
                while (m.find()) {
                    String term = m.group(1);
                    if (term.length() < MIN_PREFIX) {
                        throw invalid("a prefix search needs at least " + MIN_PREFIX + " letters before *");
                    }
                    prefixes.add(term.toLowerCase());
                    m.appendReplacement(plain, " ");
                }
                m.appendTail(plain);
                rest.append(plain.toString().replace('*', ' '));
            }
            quoted = !quoted;
        }
        return new SearchQuery(rest.toString().strip(), List.copyOf(prefixes));
    }

    /** The {@code to_tsquery} text of the prefix terms ({@code a:* & b:*}), or empty when there are none. */
    public String prefixQuery() {
        return String.join(" & ", prefixes.stream().map(p -> p + ":*").toList());
    }

    public static ApiException invalid(String message) {
        return ApiException.badRequest("invalid_parameter", message, "q");
    }
}
