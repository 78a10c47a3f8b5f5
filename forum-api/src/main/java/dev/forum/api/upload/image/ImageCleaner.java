package dev.forum.api.upload.image;

/**
 * Returns an uploaded image (its type sniffed by {@link ImageType#sniff}) without metadata. Each format is cleaned by
 * parsing its container and copying only the parts that draw the picture: nothing is decoded, so the pixel limit
 * is checked on the header before any browser decodes the image, and the bytes that are kept are the uploaded
 * ones (no re-encoding, no quality loss).
 */
public final class ImageCleaner {

    private ImageCleaner() {
    }

    /** Parses and strips {@code bytes} of the given type; rejects it when it does not follow its format. */
    public static CleanImage clean(ImageType type, byte[] bytes) throws InvalidImageException {
        try {
            return switch (type) {
                case PNG -> PngCleaner.clean(bytes);
                case JPEG -> JpegCleaner.clean(bytes);
                case GIF -> GifCleaner.clean(bytes);
                case WEBP -> WebpCleaner.clean(bytes);
            };
        } catch (IndexOutOfBoundsException e) {
            throw new InvalidImageException("Not a valid " + type.name() + " image (truncated)");
        }
    }
}
