package dev.forum.api;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.CRC32;

/** Real image files for the upload tests, written by javax.imageio, with metadata added the way cameras add it. */
public final class TestImages {

    /** The GPS latitude written into {@link #jpegWithGps}: 52/1, 31/1, 4711/100 as TIFF rationals. */
    public static final byte[] GPS_LATITUDE = {0, 0, 0, 52, 0, 0, 0, 1, 0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0x12, 0x67, 0, 0, 0, 100};
    /** A 1 x 1 lossless WebP (the one Modernizr uses to detect support). */
    public static final byte[] WEBP_1X1 = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

    private TestImages() {
    }

    public static BufferedImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                image.setRGB(x, y, new Color((x * 7) % 256, (y * 5) % 256, 120).getRGB());
            }
        }
        return image;
    }

    public static byte[] write(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BufferedImage read(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] png(int width, int height) {
        return write(picture(width, height), "png");
    }

    /** A PNG with a tEXt chunk right after IHDR. */
    public static byte[] pngWithText(int width, int height, String keyword, String text) {
        byte[] png = png(width, height);
        byte[] data = (keyword + "\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        return insert(png, 8 + 25, pngChunk("tEXt", data));
    }

    /** A PNG whose header claims the given size (the pixel data stays 1 x 1). */
    public static byte[] pngClaiming(int width, int height) {
        byte[] png = png(1, 1);
        ByteBuffer.wrap(png).putInt(16, width).putInt(20, height);
        return png;
    }

    public static byte[] jpeg(int width, int height) {
        return write(picture(width, height), "jpeg");
    }

    /** A JPEG with an EXIF segment right after SOI: orientation 6 (rotate 90) and a GPS IFD with a latitude. */
    public static byte[] jpegWithGps(int width, int height) {
        ByteBuffer tiff = ByteBuffer.allocate(96);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
        tiff.putShort((short) 2)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6).putShort((short) 0)
                .putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(38)
                .putInt(0);
        // GPS IFD at 38: LatitudeRef "N", Latitude -> 3 rationals at 68
        tiff.putShort((short) 2)
                .putShort((short) 1).putShort((short) 2).putInt(2).put(new byte[] {'N', 0, 0, 0})
                .putShort((short) 2).putShort((short) 5).putInt(3).putInt(68)
                .putInt(0);
        tiff.put(GPS_LATITUDE);
        byte[] exif = concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), Arrays.copyOf(tiff.array(), tiff.position()));
        ByteBuffer app1 = ByteBuffer.allocate(4 + exif.length).put((byte) 0xFF).put((byte) 0xE1)
                .putShort((short) (2 + exif.length)).put(exif);
        return insert(jpeg(width, height), 2, app1.array());
    }

    /** A 1 x 1 WebP in the extended format with an EXIF chunk holding {@code exif}. */
    public static byte[] webpWithExif(String exif) {
        byte[] vp8l = Arrays.copyOfRange(WEBP_1X1, 12, WEBP_1X1.length);
        byte[] vp8x = riffChunk("VP8X", new byte[] {0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        byte[] body = concat("WEBP".getBytes(StandardCharsets.ISO_8859_1), concat(vp8x, concat(vp8l,
                riffChunk("EXIF", exif.getBytes(StandardCharsets.ISO_8859_1)))));
        ByteBuffer riff = ByteBuffer.allocate(8).put("RIFF".getBytes(StandardCharsets.ISO_8859_1));
        riff.put((byte) body.length).put((byte) (body.length >> 8)).put((byte) 0).put((byte) 0);
        return concat(riff.array(), body);
    }

    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public static boolean contains(byte[] haystack, String needle) {
        return contains(haystack, needle.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] pngChunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }

    private static byte[] riffChunk(String type, byte[] data) {
        ByteBuffer chunk = ByteBuffer.allocate(8 + data.length + (data.length & 1))
                .put(type.getBytes(StandardCharsets.ISO_8859_1));
        chunk.put((byte) data.length).put((byte) (data.length >> 8)).put((byte) 0).put((byte) 0).put(data);
        return chunk.array();
    }

    private static byte[] insert(byte[] bytes, int at, byte[] extra) {
        return concat(concat(Arrays.copyOf(bytes, at), extra), Arrays.copyOfRange(bytes, at, bytes.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
