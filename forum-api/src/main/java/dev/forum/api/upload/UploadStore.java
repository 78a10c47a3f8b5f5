package dev.forum.api.upload;

import java.util.Optional;
import java.util.UUID;

/**
 * Where uploaded images are kept, chosen by {@code forum.uploads.store}. {@link PostgresUploadStore} is the only
 * one so far; an S3-compatible store would implement the same two calls (bytes under the id as object key) and be
 * selected by a new value of that key. Uploads are immutable: there is no update, and the id is never reused.
 */
public interface UploadStore {

    /** Keeps a new upload; its id is fresh. */
    void save(StoredUpload upload);

    Optional<StoredUpload> findById(UUID id);
}
