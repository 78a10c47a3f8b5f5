package dev.forum.gateway.registry;

import java.time.Instant;

/**
 * One serialised server frame. The same instance (same text) is shared by every recipient of a
 * broadcast: serialised once.
 *
 * @param text        the JSON text
 * @param bytes       its size, as counted by the outbound queue
 * @param type        the frame type (metrics tag)
 * @param ephemeral   may be dropped when the client falls behind (typing)
 * @param committedAt when the event was committed (delivery latency), null for control frames
 */
public record OutboundFrame(String text, int bytes, String type, boolean ephemeral, Instant committedAt) {

    public static OutboundFrame control(String type, String text) {
        return new OutboundFrame(text, text.length(), type, false, null);
    }
}
