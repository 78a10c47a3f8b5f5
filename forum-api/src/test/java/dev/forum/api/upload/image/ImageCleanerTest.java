package dev.forum.api.upload.image;

import dev.forum.api.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageCleanerTest {

    private static CleanImage clean(byte[] bytes) throws InvalidImageException {
        return ImageCleaner.clean(ImageType.sniff(bytes).orElseThrow(), bytes);
    }

    private static void assertSamePixels(BufferedImage expected, byte[] actual) {
        BufferedImage image = TestImages.read(actual);
        assertThat(image.getWidth()).isEqualTo(expected.getWidth());
        assertThat(image.getHeight()).isEqualTo(expected.getHeight());
        for (int x = 0; x < expected.getWidth(); x++) {
            for (int y = 0; y < expected.getHeight(); y++) {
                assertThat(image.getRGB(x, y)).isEqualTo(expected.getRGB(x, y));
            }
        }
    }

    @Test
    void sniffRecognisesEachFormatByItsBytesOnly() {
        assertThat(ImageType.sniff(TestImages.png(2, 2))).contains(ImageType.PNG);
        assertThat(ImageType.sniff(TestImages.jpeg(2, 2))).contains(ImageType.JPEG);
        assertThat(ImageType.sniff(TestImages.write(TestImages.picture(2, 2), "gif"))).contains(ImageType.GIF);
        assertThat(ImageType.sniff(TestImages.WEBP_1X1)).contains(ImageType.WEBP);
        assertThat(ImageType.sniff("plain text, named cat.png".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(ImageType.sniff(new byte[] {(byte) 0x89, 'P'})).isEmpty();
    }

    @Test
    void cleanDropsPngTextChunksAndKeepsThePixels() throws InvalidImageException {
        byte[] png = TestImages.pngWithText(20, 10, "Comment", "taken at home, 52.5N 13.4E");
        CleanImage clean = clean(png);
        assertThat(TestImages.contains(png, "tEXt")).isTrue();
        assertThat(TestImages.contains(clean.bytes(), "tEXt")).isFalse();
        assertThat(TestImages.contains(clean.bytes(), "taken at home")).isFalse();
        assertThat(clean.width()).isEqualTo(20);
        assertThat(clean.height()).isEqualTo(10);
        assertSamePixels(TestImages.read(png), clean.bytes());
    }

    @Test
    void cleanDropsJpegExifButKeepsTheOrientationAndThePixelsAsUploaded() throws InvalidImageException {
        byte[] jpeg = TestImages.jpegWithGps(32, 16);
        CleanImage clean = clean(jpeg);
        assertThat(TestImages.contains(clean.bytes(), TestImages.GPS_LATITUDE)).isFalse();
        assertThat(TestImages.contains(clean.bytes(), new byte[] {(byte) 0x88, 0x25})).isFalse();
        assertThat(JpegCleaner.orientation(clean.bytes(), 4 + 2 + 6, clean.bytes().length)).isEqualTo(6);
        assertThat(clean.width()).isEqualTo(32);
        assertThat(clean.height()).isEqualTo(16);
        assertSamePixels(TestImages.read(TestImages.jpeg(32, 16)), clean.bytes());
    }

    @Test
    void cleanDropsWebpExifAndItsFlag() throws InvalidImageException {
        CleanImage clean = clean(TestImages.webpWithExif("GPS 52.5N 13.4E"));
        assertThat(TestImages.contains(clean.bytes(), "EXIF")).isFalse();
        assertThat(TestImages.contains(clean.bytes(), "52.5N")).isFalse();
        assertThat(clean.bytes()[20] & 0x08).isZero();
        assertThat(clean.width()).isEqualTo(1);
        assertThat(clean.height()).isEqualTo(1);
        long riffSize = (clean.bytes()[4] & 0xFF) | (clean.bytes()[5] & 0xFF) << 8;
        assertThat(riffSize).isEqualTo(clean.bytes().length - 8);
    }

    @Test
    void cleanKeepsAGifDrawable() throws InvalidImageException {
        BufferedImage picture = TestImages.picture(8, 6);
        CleanImage clean = clean(TestImages.write(picture, "gif"));
        assertThat(clean.width()).isEqualTo(8);
        assertThat(TestImages.read(clean.bytes()).getHeight()).isEqualTo(6);
    }

    @Test
    void cleanRejectsATruncatedImage() {
        byte[] png = TestImages.png(20, 10);
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> clean(cut)).isInstanceOf(InvalidImageException.class).hasMessageContaining("PNG");
        byte[] jpeg = TestImages.jpeg(20, 10);
        assertThatThrownBy(() -> clean(Arrays.copyOf(jpeg, 40))).isInstanceOf(InvalidImageException.class);
    }
}
