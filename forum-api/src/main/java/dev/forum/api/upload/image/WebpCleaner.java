package dev.forum.api.upload.image;

import java.io.ByteArrayOutputStream;
import java.util.Set;

/**
 * Walks a WebP's RIFF chunks and keeps only those that make up the picture ({@code VP8 VP8L VP8X ALPH ANIM ANMF}):
 * {@code EXIF}, {@code XMP } and {@code ICCP} go, and so does anything unknown. The VP8X header's flags for the
 * dropped chunks are cleared and the RIFF size is rewritten.
 */
final class WebpCleaner {

    private static final Set<String> KEPT = Set.of("VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF");
    /** VP8X flag bits: ICC profile, EXIF, XMP. */
    private static final int METADATA_FLAGS = 0x20 | 0x08 | 0x04;

    private WebpCleaner() {
    }

    static CleanImage clean(byte[] bytes) throws InvalidImageException {
        ByteReader in = new ByteReader(bytes, "WebP");
        long riffEnd = Math.min(bytes.length, 8 + in.u32le(4));
        ByteArrayOutputStream chunks = new ByteArrayOutputStream(bytes.length);
        int width = 0;
        int height = 0;
        int at = 12;
        while (at + 8 <= riffEnd) {
            String type = in.ascii(at, 4);
            long size = in.u32le(at + 4);
            long total = 8 + size + (size & 1);
            in.require(at, 8 + size);
            int data = at + 8;
            if (at == 12) {
                switch (type) {
                    case "VP8X" -> {
                        width = in.u24le(data + 4) + 1;
                        height = in.u24le(data + 7) + 1;
                    }
                    case "VP8 " -> {
                        if (in.u8(data + 3) != 0x9D || in.u8(data + 4) != 0x01 || in.u8(data + 5) != 0x2A) {
                            throw in.invalid("no VP8 start code");
                        }
                        width = in.u16le(data + 6) & 0x3FFF;
                        height = in.u16le(data + 8) & 0x3FFF;
                    }
                    case "VP8L" -> {
                        if (in.u8(data) != 0x2F) {
                            throw in.invalid("no VP8L signature");
                        }
                        long bits = in.u32le(data + 1);
                        width = (int) (bits & 0x3FFF) + 1;
                        height = (int) ((bits >> 14) & 0x3FFF) + 1;
                    }
                    default -> throw in.invalid("no image chunk first");
                }
            }
            if (KEPT.contains(type)) {
                byte[] chunk = in.slice(at, (int) (8 + size));
                if (type.equals("VP8X")) {
                    chunk[8] &= (byte) ~METADATA_FLAGS;
                }
                chunks.writeBytes(chunk);
                if ((size & 1) == 1) {
                    chunks.write(0);
                }
            }
            at += (int) total;
        }
        if (width <= 0 || height <= 0) {
            throw in.invalid("no size");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunks.size() + 12);
        out.writeBytes(new byte[] {'R', 'I', 'F', 'F'});
        int riffSize = 4 + chunks.size();
        out.writeBytes(new byte[] {(byte) riffSize, (byte) (riffSize >> 8), (byte) (riffSize >> 16), (byte) (riffSize >> 24)});
        out.writeBytes(new byte[] {'W', 'E', 'B', 'P'});
        out.writeBytes(chunks.toByteArray());
        return new CleanImage(ImageType.WEBP, out.toByteArray(), width, height);
    }
}
