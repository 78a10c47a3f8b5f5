package dev.forum.api.search.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.common.Times;
import dev.forum.api.search.SearchQuery;
import dev.forum.api.search.mapping.SearchHit;
import dev.forum.api.search.mapping.SearchPage;
import dev.forum.api.search.mapping.Snippets;
import dev.forum.api.thread.service.ThreadGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;

/**
 * Full-text search over thread titles and message text (PostgreSQL {@code tsvector} columns and GIN indexes, see
 * V2__search.sql), filtered like reads: only threads that are not deleted and within the caller's tier (staff read
 * every tier), and only sub-threads whose every ancestor is readable too. Deleted messages are gone from the table,
 * so their text is never found; an edit replaces the indexed text in the same statement.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class SearchService {

    public static final int MAX_PAGE = 50;
    public static final int MAX_OFFSET = 1000;
    /** How many of the newest matching messages a search ranks (see SEARCH). */
    public static final int RANK_WINDOW = 2000;

    /** Must match the configuration of the generated columns in V2__search.sql. */
    static final String CONFIG = "english";

    private static final String MARKS = "StartSel=" + Snippets.START + ", StopSel=" + Snippets.STOP;
    /** Message text: up to two fragments around the matches. */
    private static final String MESSAGE_HEADLINE = MARKS + ", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"";
    /** A title is short: all of it. */
    private static final String TITLE_HEADLINE = MARKS + ", HighlightAll=true";

    private static final String QUERY = "websearch_to_tsquery('" + CONFIG + "', :web) && to_tsquery('" + CONFIG + "', :prefix)";
    /**
     * The query with its phrase operators ({@code <->}, {@code <N>}) turned into AND: the words of a phrase anywhere in
     * the message. PostgreSQL estimates a phrase as often as its words together, so it would walk the primary key back
     * through hundreds of thousands of messages to find the newest matches of a phrase of two common words; the window
     * is taken over this query instead (estimated right), and the phrase is checked on the window's messages. Not for
     * a query with a negation: AND under NOT would exclude more than the phrase does. Every function here is
     * immutable, so PostgreSQL folds this into the constant query it plans with.
     */
    private static final String WORDS = "CASE WHEN strpos((" + QUERY + ")::text, '!') > 0 THEN (" + QUERY + ") "
            + "ELSE regexp_replace((" + QUERY + ")::text, '<(-|[0-9]+)>', '&', 'g')::tsquery END";

    /**
     * Messages are ranked among the newest {@link #RANK_WINDOW} messages that contain the query's words (a phrase's
     * words anywhere, see {@link #WORDS}) and match the query, then filtered to what the caller may read: found
     * newest first, for a rare word through the GIN index, for a common word by walking the primary key backwards and
     * stopping early instead of ranking every match; older matches of a very common query are not reached. The query
     * text is inlined (not a CTE) and the window query joins nothing, so the planner sees the words and their
     * frequency when it picks between those two plans.
     */
    private static final String SEARCH = ThreadGuard.READABLE_THREADS + """
            , recent AS (
                SELECT m.id, m.thread_id, m.created_at, m.search_vector
                FROM forum_message m
                WHERE m.search_vector @@ (%5$s)
                ORDER BY m.id DESC LIMIT :window
            ),
            hits AS (
                SELECT t.id AS thread_id, NULL::bigint AS message_id, t.created_at, 2 * ts_rank(t.search_vector, %1$s, 1) AS rank
                FROM forum_thread t JOIN readable r ON r.id = t.id
                WHERE t.search_vector @@ (%1$s)
              UNION ALL
                SELECT m.thread_id, m.id, m.created_at, ts_rank(m.search_vector, %1$s, 1)
                FROM recent m JOIN readable r ON r.id = m.thread_id
                WHERE m.search_vector @@ (%1$s)
            ),
            page AS (SELECT * FROM hits ORDER BY %2$s LIMIT :limit OFFSET :offset)
            SELECT p.thread_id, t.title, p.message_id, u.id AS user_id, u.username, u.display_name, p.created_at,
                   ts_headline('%3$s', translate(coalesce(m.content, t.title), chr(2) || chr(3), ''), %1$s,
                               CASE WHEN p.message_id IS NULL THEN :titleOptions ELSE :messageOptions END)
            FROM page p
            JOIN forum_thread t ON t.id = p.thread_id
            LEFT JOIN forum_message m ON m.id = p.message_id
            JOIN forum_user u ON u.id = coalesce(m.user_id, t.user_id)
            ORDER BY %4$s""";

    /** Result order: best match first, or newest first. */
    public enum Sort {
        RELEVANCE("rank DESC, created_at DESC, message_id DESC"),
        NEWEST("created_at DESC, message_id DESC");

        final String orderBy;

        Sort(String orderBy) {
            this.orderBy = orderBy;
        }
    }

    private final EntityManager em;

    public SearchService(EntityManager em) {
        this.em = em;
    }

    /**
     * One page of what the caller may read that matches; 400 when the query has nothing to search for. Runs in its own
     * transaction with {@code plan_cache_mode = force_custom_plan}: the JDBC driver turns the repeated statement into
     * a server-side prepared one, and PostgreSQL's generic plan for it cannot see the words, so it would scan every
     * match of a common word instead of walking the primary key backwards. And with {@code jit = off}: the plan's
     * estimated cost (the recursive read filter over every thread) passes the JIT threshold, and compiling it took
     * longer than running it (a rare word: 480 ms with JIT, 70 ms without; see docs/benchmarks.md, Search).
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public SearchPage findAllMatches(Caller caller, SearchQuery query, Sort sort, int limit, int offset) {
        em.createNativeQuery("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                + "set_config('jit', 'off', true)").getSingleResult();
        requireSearchableWords(query);
        int size = Math.max(1, Math.min(limit, MAX_PAGE));
        String sql = SEARCH.formatted(QUERY, sort.orderBy, CONFIG, "p." + sort.orderBy.replace(", ", ", p."), WORDS);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(sql)
                .setParameter("web", query.websearch())
                .setParameter("prefix", query.prefixQuery())
                .setParameter("staff", caller.isStaff())
                .setParameter("tier", caller.user().tierCents())
                .setParameter("window", RANK_WINDOW)
                .setParameter("limit", size + 1)
                .setParameter("offset", offset)
                .setParameter("titleOptions", TITLE_HEADLINE)
                .setParameter("messageOptions", MESSAGE_HEADLINE)
                .getResultList();
        boolean more = rows.size() > size;
        List<SearchHit> hits = (more ? rows.subList(0, size) : rows).stream().map(SearchService::hit).toList();
        return new SearchPage(hits, more ? offset + size : null);
    }

    /** A query of only stop words, or only exclusions ({@code -word}), matches nothing or everything: refused. */
    private void requireSearchableWords(SearchQuery query) {
        Object[] tree = (Object[]) em.createNativeQuery("SELECT numnode(q), querytree(q) FROM (SELECT " + QUERY + " AS q) x")
                .setParameter("web", query.websearch())
                .setParameter("prefix", query.prefixQuery())
                .getSingleResult();
        if (((Number) tree[0]).intValue() == 0 || "T".equals(tree[1])) {
            throw SearchQuery.invalid("q has no words to search for (only common words or exclusions)");
        }
    }

    private static SearchHit hit(Object[] row) {
        Long messageId = row[2] == null ? null : ((Number) row[2]).longValue();
        return new SearchHit(messageId == null ? "thread" : "message", ((Number) row[0]).longValue(), (String) row[1],
                messageId, ((Number) row[3]).longValue(), (String) row[4], (String) row[5], Times.instant(row[6]),
                Snippets.toSafeHtml((String) row[7]));
    }
}
