package dev.forum.api.upload.mapping;

import dev.forum.api.upload.StoredUpload;

import java.util.UUID;

/** The answer to an upload: where the image is served (for Markdown {@code ![alt](url)}) and what it is. */
public record UploadView(UUID id, String url, String contentType, int sizeBytes, int width, int height) {

    public static final String PATH = "/api/forum/uploads/";

    public static UploadView of(StoredUpload upload) {
        return new UploadView(upload.id(), PATH + upload.id(), upload.contentType(), upload.sizeBytes(),
                upload.width(), upload.height());
    }
}
