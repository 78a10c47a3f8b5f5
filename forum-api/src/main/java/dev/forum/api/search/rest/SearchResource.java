package dev.forum.api.search.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.search.SearchQuery;
import dev.forum.api.search.mapping.SearchPage;
import dev.forum.api.search.service.SearchService;
import dev.forum.common.error.ApiException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Locale;

@Path("/api/forum/search")
@Tag(name = "search")
public class SearchResource {

    private final SearchService search;
    private final CallerHolder caller;

    public SearchResource(SearchService search, CallerHolder caller) {
        this.search = search;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Full-text search over thread titles and messages the caller may read: words, \"phrases\", "
            + "-exclusions, or, and prefixes (data*); ranked or newest first; offset-paged")
    @APIResponse(responseCode = "200", description = "SearchPage {results: [SearchHit], next_offset}")
    @APIResponse(responseCode = "400", description = "invalid_parameter: q missing, blank, longer than 200 characters, "
            + "without searchable words, or a prefix shorter than 2 letters; limit, offset or sort out of range")
    @APIResponse(responseCode = "401", description = "unauthorized")
    public SearchPage search(@QueryParam("q") String q,
                             @QueryParam("sort") @DefaultValue("relevance") String sort,
                             @QueryParam("limit") @DefaultValue("20") int limit,
                             @QueryParam("offset") @DefaultValue("0") int offset) {
        if (offset < 0 || offset > SearchService.MAX_OFFSET) {
            throw ApiException.badRequest("invalid_parameter", "offset must be between 0 and " + SearchService.MAX_OFFSET, "offset");
        }
        if (limit < 1 || limit > SearchService.MAX_PAGE) {
            throw ApiException.badRequest("invalid_parameter", "limit must be between 1 and " + SearchService.MAX_PAGE, "limit");
        }
        return search.findAllMatches(caller.get(), SearchQuery.parse(q), parseSort(sort), limit, offset);
    }

    private static SearchService.Sort parseSort(String sort) {
        try {
            return SearchService.Sort.valueOf(sort.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_parameter", "sort must be relevance or newest", "sort");
        }
    }
}
