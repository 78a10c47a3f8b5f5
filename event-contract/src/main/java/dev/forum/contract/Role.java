package dev.forum.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

public enum Role {
    MEMBER,
    MODERATOR,
    ADMIN;

    /** Moderators and admins: the @team, and readers of every thread. */
    public boolean isStaff() {
        return this != MEMBER;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
