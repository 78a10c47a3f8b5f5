package dev.forum.api.common;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** Timestamps at PostgreSQL's precision (microseconds), so an event and a later read show the same instant. */
public final class Times {

    private Times() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** A timestamp column of a native query as an Instant (the JDBC driver answers one of these types). */
    public static Instant instant(Object column) {
        if (column instanceof Instant i) {
            return i;
        }
        if (column instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        return ((Timestamp) column).toInstant();
    }
}
