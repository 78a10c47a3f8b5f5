package dev.forum.api.upload.service;

import dev.forum.api.auth.Caller;
import dev.forum.common.error.ApiException;
import dev.forum.api.common.RateLimits;
import dev.forum.api.common.Times;
import dev.forum.api.config.ForumConfig;
import dev.forum.api.upload.StoredUpload;
import dev.forum.api.upload.UploadStore;
import dev.forum.api.upload.image.CleanImage;
import dev.forum.api.upload.image.ImageCleaner;
import dev.forum.api.upload.image.ImageType;
import dev.forum.api.upload.image.InvalidImageException;
import dev.forum.api.upload.mapping.UploadView;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Image attachments: checks an upload (rate limit, size while reading, type by its bytes, pixel count), strips its
 * metadata ({@link ImageCleaner}) and keeps it in the configured {@link UploadStore}. A refused upload stores
 * nothing. Not transactional itself: the body is read before the store's short transaction begins, so a slow
 * client never holds a database connection.
 */
@ApplicationScoped
public class UploadService {

    private final UploadStore store;
    private final RateLimits limits;
    private final long maxBytes;
    private final long maxPixels;

    public UploadService(UploadStore store, RateLimits limits, ForumConfig config) {
        this.store = store;
        this.limits = limits;
        this.maxBytes = config.uploads().maxBytes();
        this.maxPixels = config.uploads().maxPixels();
    }

    /** Stores the image in {@code body} for the caller; {@code declaredLength} is the request's Content-Length. */
    public UploadView persistUpload(Caller caller, InputStream body, OptionalLong declaredLength) {
        try {
            return persist(caller, body, declaredLength);
        } catch (ApiException e) {
            discardRest(body);
            throw e;
        }
    }

    public Optional<StoredUpload> findUploadById(UUID id) {
        return store.findById(id);
    }

    private UploadView persist(Caller caller, InputStream body, OptionalLong declaredLength) {
        limits.acquireUpload(caller.id());
        if (declaredLength.isPresent() && declaredLength.getAsLong() > maxBytes) {
            throw tooLarge();
        }
        byte[] bytes = readAtMost(body);
        ImageType type = ImageType.sniff(bytes).orElseThrow(() -> new ApiException(415, "unsupported_media_type",
                "Only PNG, JPEG, GIF and WebP images can be uploaded"));
        CleanImage image;
        try {
            image = ImageCleaner.clean(type, bytes);
        } catch (InvalidImageException e) {
            throw new ApiException(415, "unsupported_media_type", e.getMessage());
        }
        if (image.pixels() > maxPixels) {
            throw new ApiException(413, "too_many_pixels", "The image is " + image.width() + " x " + image.height()
                    + " pixels; at most " + maxPixels + " pixels are allowed");
        }
        StoredUpload upload = new StoredUpload(UUID.randomUUID(), caller.id(), type.mediaType(), image.bytes(),
                sha256(image.bytes()), image.width(), image.height(), Times.now());
        store.save(upload);
        Log.debugf("Upload %s by user %d: %s, %d bytes (%d received)", upload.id(), caller.id(), type,
                upload.sizeBytes(), bytes.length);
        return UploadView.of(upload);
    }

    /** The whole body, or 413 as soon as it passes the limit: at most maxBytes + 1 bytes are ever held. */
    private byte[] readAtMost(InputStream body) {
        try {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("upload_interrupted", "The upload did not arrive completely", null);
        }
    }

    /**
     * Reads and drops what is left of a refused upload (up to twice the limit), so the client, still sending, reads
     * the error instead of a reset connection; a larger body is cut off with the connection.
     */
    private void discardRest(InputStream body) {
        try {
            long left = 2 * maxBytes;
            byte[] sink = new byte[8192];
            int n;
            while (left > 0 && (n = body.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            Log.debugf("Refused upload's body ended early: %s", e.getMessage());
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "Images can be at most " + maxBytes / 1024 + " KiB");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
