package dev.forum.api.upload.image;

import java.io.ByteArrayOutputStream;

/**
 * Removes a JPEG's metadata segments by walking its markers, without decoding it. Removing segments rather than
 * re-encoding through javax.imageio keeps the pixels exactly as uploaded (no second lossy compression), works for
 * the CMYK and progressive files ImageIO's reader refuses, and never decodes the pixels, so a small file that
 * claims a huge size costs nothing here (the size limit is checked on the frame header).
 *
 * <p>Dropped: every APPn segment except APP14 (Adobe: colour transform flags, no user data), so EXIF (GPS, camera,
 * thumbnails), XMP, IPTC, ICC profiles, JFIF thumbnails and MPF; COM comments; anything after EOI. Kept: the
 * frame, tables, scans and restart markers as they were. A photo's EXIF orientation is the one piece of metadata
 * that changes how it looks, so it is written back as a minimal EXIF segment holding that tag alone.
 */
final class JpegCleaner {

    private static final int APP1 = 0xE1;
    private static final int APP14 = 0xEE;
    private static final int SOS = 0xDA;
    private static final int EOI = 0xD9;
    private static final int COM = 0xFE;
    private static final int ORIENTATION_TAG = 0x0112;

    private JpegCleaner() {
    }

    static CleanImage clean(byte[] bytes) throws InvalidImageException {
        ByteReader in = new ByteReader(bytes, "JPEG");
        ByteArrayOutputStream body = new ByteArrayOutputStream(bytes.length);
        int width = 0;
        int height = 0;
        int orientation = 1;
        int at = 2;
        while (true) {
            if (in.u8(at) != 0xFF) {
                throw in.invalid("no marker");
            }
            while (in.u8(at + 1) == 0xFF) {
                at++;
            }
            int marker = in.u8(at + 1);
            if (marker == EOI) {
                body.write(bytes, at, 2);
                break;
            }
            if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                body.write(bytes, at, 2);
                at += 2;
                continue;
            }
            int length = in.u16be(at + 2);
            if (length < 2) {
                throw in.invalid("bad segment length");
            }
            in.require(at, 2L + length);
            if (isFrameHeader(marker)) {
                height = in.u16be(at + 5);
                width = in.u16be(at + 7);
            }
            if (marker == APP1 && length >= 8 && in.ascii(at + 4, 6).equals("Exif\0\0")) {
                orientation = orientation(bytes, at + 10, at + 2 + length);
            }
            boolean metadata = (marker >= 0xE0 && marker <= 0xEF && marker != APP14) || marker == COM;
            if (!metadata) {
                body.write(bytes, at, 2 + length);
            }
            at += 2 + length;
            if (marker == SOS) {
                int start = at;
                while (in.u8(at) != 0xFF || isInScan(in.u8(at + 1))) {
                    at++;
                }
                body.write(bytes, start, at - start);
            }
        }
        if (width <= 0 || height <= 0) {
            throw in.invalid("no frame size");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 40);
        out.write(0xFF);
        out.write(0xD8);
        if (orientation > 1 && orientation <= 8) {
            out.writeBytes(orientationSegment(orientation));
        }
        out.writeBytes(body.toByteArray());
        return new CleanImage(ImageType.JPEG, out.toByteArray(), width, height);
    }

    /** SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** After FF inside entropy-coded data: 00 is a stuffed byte and D0..D7 a restart marker; others end the scan. */
    private static boolean isInScan(int next) {
        return next == 0x00 || (next >= 0xD0 && next <= 0xD7);
    }

    /** The orientation tag of IFD0 in the TIFF structure at [tiff, end), or 1 when it is absent or unreadable. */
    static int orientation(byte[] bytes, int tiff, int end) {
        try {
            ByteReader in = new ByteReader(java.util.Arrays.copyOfRange(bytes, tiff, end), "EXIF");
            boolean little = in.ascii(0, 2).equals("II");
            long ifd = little ? in.u32le(4) : in.u32be(4);
            if (ifd > in.length()) {
                return 1;
            }
            int count = little ? in.u16le((int) ifd) : in.u16be((int) ifd);
            for (int i = 0; i < count; i++) {
                int entry = (int) ifd + 2 + 12 * i;
                int tag = little ? in.u16le(entry) : in.u16be(entry);
                if (tag == ORIENTATION_TAG) {
                    return little ? in.u16le(entry + 8) : in.u16be(entry + 8);
                }
            }
        } catch (InvalidImageException | IllegalArgumentException e) {
            // a damaged EXIF block only loses the orientation
        }
        return 1;
    }

    /** APP1 with an EXIF block whose IFD0 has exactly one entry: Orientation (big-endian TIFF). */
    private static byte[] orientationSegment(int orientation) {
        return new byte[] {
                (byte) 0xFF, (byte) APP1, 0x00, 0x22,
                'E', 'x', 'i', 'f', 0, 0,
                'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
                0x00, 0x01,
                0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, (byte) orientation, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00};
    }
}
