package dev.forum.api.upload.image;

/** An image with its metadata removed: the bytes to store and serve, and its size in pixels from its header. */
public record CleanImage(ImageType type, byte[] bytes, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }
}
