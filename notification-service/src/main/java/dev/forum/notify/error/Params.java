package dev.forum.notify.error;

import dev.forum.common.error.ApiException;

/** Query parameters shared by the resources, validated into the team's 400 error. */
public final class Params {

    private Params() {
    }

    /** {@code limit}: {@code defaultLimit} when absent, otherwise an integer from 1 to {@code max}. */
    public static int limit(String limit, int defaultLimit, int max) {
        if (limit == null || limit.isBlank()) {
            return defaultLimit;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error
        }
        throw ApiException.invalidParameter("limit", "limit must be an integer from 1 to " + max);
    }
}
