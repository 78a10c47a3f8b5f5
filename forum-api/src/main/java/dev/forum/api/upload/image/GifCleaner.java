package dev.forum.api.upload.image;

import java.io.ByteArrayOutputStream;

/**
 * Walks a GIF's blocks and drops the ones that carry text: comment and plain-text extensions, and application
 * extensions other than the looping ones ({@code NETSCAPE2.0}, {@code ANIMEXTS1.0}), which is where XMP and ICC
 * data live. Frames and graphic-control extensions are copied as they are; nothing after the trailer is kept.
 * The size is the logical screen's: browsers clip frames to it.
 */
final class GifCleaner {

    private static final int EXTENSION = 0x21;
    private static final int IMAGE = 0x2C;
    private static final int TRAILER = 0x3B;
    private static final int GRAPHIC_CONTROL = 0xF9;
    private static final int APPLICATION = 0xFF;

    private GifCleaner() {
    }

    static CleanImage clean(byte[] bytes) throws InvalidImageException {
        ByteReader in = new ByteReader(bytes, "GIF");
        int width = in.u16le(6);
        int height = in.u16le(8);
        int at = 13 + colorTableSize(in.u8(10));
        in.require(0, at);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        out.write(bytes, 0, at);
        while (true) {
            int block = in.u8(at);
            if (block == TRAILER) {
                out.write(TRAILER);
                break;
            }
            int start = at;
            boolean keep = true;
            if (block == IMAGE) {
                at += 10 + colorTableSize(in.u8(at + 9)) + 1; // descriptor, local colour table, LZW code size
                at = afterSubBlocks(in, at);
            } else if (block == EXTENSION) {
                int label = in.u8(at + 1);
                keep = label == GRAPHIC_CONTROL || (label == APPLICATION && isLooping(in, at + 2));
                at = afterSubBlocks(in, at + 2);
            } else {
                throw in.invalid("unknown block");
            }
            if (keep) {
                out.write(bytes, start, at - start);
            }
        }
        if (width <= 0 || height <= 0) {
            throw in.invalid("no size");
        }
        return new CleanImage(ImageType.GIF, out.toByteArray(), width, height);
    }

    private static int colorTableSize(int packed) {
        return (packed & 0x80) == 0 ? 0 : 3 * (1 << ((packed & 0x07) + 1));
    }

    private static boolean isLooping(ByteReader in, int at) throws InvalidImageException {
        if (in.u8(at) != 11) {
            return false;
        }
        String id = in.ascii(at + 1, 11);
        return id.equals("NETSCAPE2.0") || id.equals("ANIMEXTS1.0");
    }

    /** The position after a chain of data sub-blocks (length byte, data) ended by a zero length. */
    private static int afterSubBlocks(ByteReader in, int at) throws InvalidImageException {
        int size;
        while ((size = in.u8(at)) != 0) {
            at += 1 + size;
        }
        return at + 1;
    }
}
