package dev.forum.api.upload.image;

/** The bytes start like an image of a supported type but do not follow its structure. */
public class InvalidImageException extends Exception {

    public InvalidImageException(String message) {
        super(message, null, false, false);
    }
}
