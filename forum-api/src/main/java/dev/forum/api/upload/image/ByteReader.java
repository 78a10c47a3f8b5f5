package dev.forum.api.upload.image;

import java.util.Arrays;

/** Bounds-checked reads over an image's bytes: any read past the end is an {@link InvalidImageException}. */
final class ByteReader {

    private final byte[] bytes;
    private final String format;

    ByteReader(byte[] bytes, String format) {
        this.bytes = bytes;
        this.format = format;
    }

    int length() {
        return bytes.length;
    }

    int u8(int at) throws InvalidImageException {
        require(at, 1);
        return bytes[at] & 0xFF;
    }

    int u16be(int at) throws InvalidImageException {
        return (u8(at) << 8) | u8(at + 1);
    }

    int u16le(int at) throws InvalidImageException {
        return u8(at) | (u8(at + 1) << 8);
    }

    int u24le(int at) throws InvalidImageException {
        return u16le(at) | (u8(at + 2) << 16);
    }

    long u32be(int at) throws InvalidImageException {
        return ((long) u16be(at) << 16) | u16be(at + 2);
    }

    long u32le(int at) throws InvalidImageException {
        return u16le(at) | ((long) u16le(at + 2) << 16);
    }

    String ascii(int at, int length) throws InvalidImageException {
        require(at, length);
        return new String(bytes, at, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    byte[] slice(int at, int length) throws InvalidImageException {
        require(at, length);
        return Arrays.copyOfRange(bytes, at, at + length);
    }

    void require(int at, long length) throws InvalidImageException {
        if (at < 0 || length < 0 || at + length > bytes.length) {
            throw invalid("truncated");
        }
    }

    InvalidImageException invalid(String why) {
        return new InvalidImageException("Not a valid " + format + " image (" + why + ")");
    }
}
