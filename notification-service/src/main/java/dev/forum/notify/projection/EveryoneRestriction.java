package dev.forum.notify.projection;

import java.time.Instant;

/** A user's @everyone restriction; {@code until == null} means until an admin lifts it. */
public record EveryoneRestriction(long userId, String reason, Instant until) {

    public boolean activeAt(Instant instant) {
        return until == null || until.isAfter(instant);
    }
}
