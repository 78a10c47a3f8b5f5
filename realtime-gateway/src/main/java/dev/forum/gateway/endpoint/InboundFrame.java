package dev.forum.gateway.endpoint;

import java.util.UUID;

/**
 * A client frame after parsing. {@code threadId} is null when absent (the legacy thread endpoint
 * fills it from its path); {@code lastEventId} only on subscribe.
 */
public record InboundFrame(Kind kind, Long threadId, UUID lastEventId, boolean isTyping) {

    /** The client frame types, by wire name. */
    public enum Kind {
        SUBSCRIBE("subscribe"),
        UNSUBSCRIBE("unsubscribe"),
        TYPING("typing"),
        PING("ping"),
        /** The seeds' client sends {@code heartbeat}; answered like {@code ping}. */
        HEARTBEAT("heartbeat");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Kind fromWireName(String name) {
            for (Kind kind : values()) {
                if (kind.wireName.equals(name)) {
                    return kind;
                }
            }
            return null;
        }
    }
}
