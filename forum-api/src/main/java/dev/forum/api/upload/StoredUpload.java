package dev.forum.api.upload;

import java.time.Instant;
import java.util.UUID;

/** One uploaded image as kept: its cleaned bytes and what is served with them. */
public record StoredUpload(UUID id, long uploaderId, String contentType, byte[] bytes, String sha256, int width,
                           int height, Instant createdAt) {

    public int sizeBytes() {
        return bytes.length;
    }
}
