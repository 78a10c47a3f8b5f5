package dev.forum.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Who an event is for. The gateway routes on this field alone; it never inspects payloads. */
public enum Audience {
    /** Connections subscribed to {@code thread_id} whose user may read it. */
    THREAD,
    /** Every connection whose user may read {@code thread_id}, subscribed or not (a new thread). */
    READERS,
    /** Every connection of {@code user_id}. */
    USER,
    /** Every connection. */
    ALL,
    /** Services only: never written to a client. */
    INTERNAL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Audience fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
