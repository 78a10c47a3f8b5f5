package dev.forum.api.upload.image;

import java.io.ByteArrayOutputStream;
import java.util.Set;

/**
 * Keeps a PNG's image chunks and drops the rest: only the critical chunks and the ancillary ones that change how
 * the pixels look (transparency, gamma and colour space, background, pixel size, APNG animation) are copied, byte
 * for byte with their CRCs. Text ({@code tEXt zTXt iTXt}), {@code eXIf}, {@code tIME}, ICC profiles ({@code iCCP},
 * which carry a free-text name) and anything unknown are dropped.
 */
final class PngCleaner {

    private static final Set<String> KEPT = Set.of("IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB",
            "sBIT", "bKGD", "pHYs", "acTL", "fcTL", "fdAT");
    private static final int SIGNATURE = 8;

    private PngCleaner() {
    }

    static CleanImage clean(byte[] bytes) throws InvalidImageException {
        ByteReader in = new ByteReader(bytes, "PNG");
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        out.write(bytes, 0, SIGNATURE);
        int width = 0;
        int height = 0;
        boolean end = false;
        int at = SIGNATURE;
        while (!end) {
            long length = in.u32be(at);
            String type = in.ascii(at + 4, 4);
            long total = 12 + length;
            in.require(at, total);
            if (at == SIGNATURE) {
                if (!type.equals("IHDR") || length != 13) {
                    throw in.invalid("IHDR is not first");
                }
                width = (int) Math.min(Integer.MAX_VALUE, in.u32be(at + 8));
                height = (int) Math.min(Integer.MAX_VALUE, in.u32be(at + 12));
            }
            if (KEPT.contains(type)) {
                out.write(bytes, at, (int) total);
            }
            end = type.equals("IEND");
            at += (int) total;
        }
        if (width <= 0 || height <= 0) {
            throw in.invalid("no size");
        }
        return new CleanImage(ImageType.PNG, out.toByteArray(), width, height);
    }
}
