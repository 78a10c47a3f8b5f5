package dev.forum.gateway.registry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One serialised server frame: its UTF-8 JSON bytes, encoded once. The same instance (the same byte
 * array) is written to every recipient of a broadcast, so the array must never be modified.
 *
 * @param utf8        the frame's JSON text as UTF-8
 * @param type        the frame type (metrics tag)
 * @param ephemeral   may be dropped when the client falls behind (typing)
 * @param committedAt the event's {@code committed_at}: written inside its transaction, before the commit (start of
 *                    the delivery latency); null for control frames
 */
public record OutboundFrame(byte[] utf8, String type, boolean ephemeral, Instant committedAt) {

    public static OutboundFrame control(String type, byte[] utf8) {
        return new OutboundFrame(utf8, type, false, null);
    }

    /** Its size as counted by the outbound queue. */
    public int bytes() {
        return utf8.length;
    }

    /** The JSON text (decoded on each call: for the rare paths and tests, not for delivery). */
    public String text() {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
