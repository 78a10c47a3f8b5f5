package dev.forum.notify.deadletter;

import java.sql.SQLException;
import java.util.Set;

/**
 * Classifies processing failures. A transient one (the database unreachable, shutting down, out of
 * resources, a deadlock or serialization failure) is not the event's fault: it is retried without
 * counting towards the dead-letter limit. Anything else (a malformed payload, a constraint it
 * breaks) counts.
 */
public final class Failures {

    /** SQLSTATE classes: connection exception, transaction rollback, insufficient resources, operator intervention. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57");

    private Failures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state == null || state.length() < 2 || TRANSIENT_CLASSES.contains(state.substring(0, 2))
                        || "55P03".equals(state)) {
                    return true; // no state: the pool could not even hand out a connection
                }
            }
        }
        return false;
    }

    /** The failure and its causes, one line each, at most {@code max} characters. */
    public static String describe(Throwable failure, int max) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null && text.length() < max; t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append("\ncaused by: ");
            }
            text.append(t);
        }
        return text.length() > max ? text.substring(0, max) : text.toString();
    }
}
