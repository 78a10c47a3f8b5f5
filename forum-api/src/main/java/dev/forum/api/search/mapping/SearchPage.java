package dev.forum.api.search.mapping;

import java.util.List;

/** One page of search results; {@code next_offset} is absent on the last page. */
public record SearchPage(List<SearchHit> results, Integer nextOffset) {
}
