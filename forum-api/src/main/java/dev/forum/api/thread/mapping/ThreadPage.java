package dev.forum.api.thread.mapping;

import java.util.List;

/** One page of the thread list; {@code next_cursor} is absent on the last page. */
public record ThreadPage(List<ThreadView> threads, String nextCursor) {
}
