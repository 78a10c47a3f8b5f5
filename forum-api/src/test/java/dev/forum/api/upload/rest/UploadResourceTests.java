package dev.forum.api.upload.rest;

import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestImages;
import dev.forum.api.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.HexFormat;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class UploadResourceTests {

    private static final String UPLOADS = "/api/forum/uploads";
    private static final int MAX_BYTES = 5 * 1024 * 1024;

    @Inject
    TestUsers users;

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource(UPLOADS)
    URI uploadsUri;

    private static Response upload(TestUsers.TestUser user, byte[] body, String contentType) {
        return given().header("Authorization", "Bearer " + user.token()).contentType(contentType).body(body)
                .post(UPLOADS);
    }

    private static byte[] fetch(TestUsers.TestUser user, String url) {
        return given().header("Authorization", "Bearer " + user.token()).get(url)
                .then().statusCode(200).extract().asByteArray();
    }

    private long storedBy(TestUsers.TestUser user) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM forum_upload WHERE uploader_id = ?")) {
            s.setLong(1, user.id());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void shouldStoreAnImageAndServeItBackToAnotherSignedInUser() {
        TestUsers.TestUser alice = users.member();
        byte[] png = TestImages.png(40, 30);
        String url = upload(alice, png, "application/octet-stream")
                .then().statusCode(201)
                .header("Location", matchesPattern(".*/api/forum/uploads/[0-9a-f-]{36}$"))
                .body("url", matchesPattern("^/api/forum/uploads/[0-9a-f-]{36}$"))
                .body("content_type", equalTo("image/png"))
                .body("width", equalTo(40))
                .body("height", equalTo(30))
                .extract().path("url");

        byte[] served = given().header("Authorization", "Bearer " + users.member().token()).get(url)
                .then().statusCode(200)
                .contentType("image/png")
                .header("Content-Disposition", equalTo("inline"))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Content-Security-Policy", equalTo(UploadResource.IMAGE_CSP))
                .header("Cache-Control", equalTo(UploadResource.CACHE_CONTROL))
                .extract().asByteArray();
        assertThat(TestImages.read(served).getRGB(39, 29)).isEqualTo(TestImages.read(png).getRGB(39, 29));
    }

    @Test
    void shouldServeAJpegWithoutItsExifGpsSegment() {
        TestUsers.TestUser alice = users.member();
        byte[] photo = TestImages.jpegWithGps(64, 48);
        assertThat(TestImages.contains(photo, TestImages.GPS_LATITUDE)).isTrue();
        String url = upload(alice, photo, "image/jpeg").then().statusCode(201).extract().path("url");

        byte[] served = fetch(alice, url);
        assertThat(TestImages.contains(served, TestImages.GPS_LATITUDE)).isFalse();
        assertThat(TestImages.contains(served, new byte[] {(byte) 0x88, 0x25})).as("GPS IFD pointer").isFalse();
        assertThat(TestImages.read(served).getWidth()).isEqualTo(64);
    }

    @Test
    void shouldAnswer304WhenTheETagMatches() throws Exception {
        TestUsers.TestUser alice = users.member();
        String url = upload(alice, TestImages.png(5, 5), "image/png").then().statusCode(201).extract().path("url");
        byte[] served = fetch(alice, url);
        String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served)) + "\"";

        given().header("Authorization", "Bearer " + alice.token()).get(url).then().header("ETag", equalTo(etag));
        given().header("Authorization", "Bearer " + alice.token()).header("If-None-Match", "\"other\", " + etag).get(url)
                .then().statusCode(304).header("ETag", equalTo(etag))
                .header("Cache-Control", equalTo(UploadResource.CACHE_CONTROL));
        given().header("Authorization", "Bearer " + alice.token()).header("If-None-Match", "\"other\"").get(url)
                .then().statusCode(200);
    }

    @Test
    void shouldRefuseAFileThatIsNotAnImageWith415AndStoreNothing() throws Exception {
        TestUsers.TestUser alice = users.member();
        upload(alice, "just text, saved as notes.png".getBytes(StandardCharsets.UTF_8), "image/png")
                .then().statusCode(415)
                .body("error.code", equalTo("unsupported_media_type"))
                .body("error.message", startsWith("Only PNG, JPEG, GIF and WebP"));
        byte[] png = TestImages.png(10, 10);
        upload(alice, Arrays.copyOf(png, png.length - 20), "image/png")
                .then().statusCode(415)
                .body("error.code", equalTo("unsupported_media_type"))
                .body("error.message", startsWith("Not a valid PNG image"));
        assertThat(storedBy(alice)).isZero();
    }

    @Test
    void shouldRefuseAnUploadOverTheSizeLimitWith413AndStoreNothing() throws Exception {
        TestUsers.TestUser alice = users.member();
        byte[] big = Arrays.copyOf(TestImages.png(4, 4), MAX_BYTES + 1);
        upload(alice, big, "image/png")
                .then().statusCode(413)
                .body("error.code", equalTo("payload_too_large"));
        assertThat(storedBy(alice)).isZero();
    }

    @Test
    void shouldRefuseAnUploadWithoutContentLengthOnceItPassesTheLimit() throws Exception {
        TestUsers.TestUser alice = users.member();
        byte[] big = Arrays.copyOf(TestImages.png(4, 4), MAX_BYTES + 100_000);
        HttpRequest chunked = HttpRequest.newBuilder(uploadsUri)
                .header("Authorization", "Bearer " + alice.token())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"payload_too_large\"");
        assertThat(storedBy(alice)).isZero();
    }

    @Test
    void shouldRefuseAnImageWithTooManyPixelsWith413() throws Exception {
        TestUsers.TestUser alice = users.member();
        upload(alice, TestImages.pngClaiming(50_000, 50_000), "image/png")
                .then().statusCode(413)
                .body("error.code", equalTo("too_many_pixels"));
        assertThat(storedBy(alice)).isZero();
    }

    @Test
    void shouldNotAcceptOrServeUploadsWithoutASession() {
        given().contentType("image/png").body(TestImages.png(2, 2)).post(UPLOADS)
                .then().statusCode(401).body("error.code", equalTo("unauthorized"));
        String url = upload(users.member(), TestImages.png(2, 2), "image/png").then().statusCode(201).extract().path("url");
        given().get(url).then().statusCode(401).body("error.code", equalTo("unauthorized"));
    }

    @Test
    void shouldNotAcceptACookieUploadWithoutTheCsrfHeader() throws Exception {
        TestUsers.TestUser alice = users.member();
        given().cookie("forum_session", alice.token()).contentType("image/png").body(TestImages.png(2, 2)).post(UPLOADS)
                .then().statusCode(403).body("error.code", equalTo("csrf_check_failed"));
        assertThat(storedBy(alice)).isZero();
        given().cookie("forum_session", alice.token()).header("X-Requested-With", "forum").contentType("image/png")
                .body(TestImages.png(2, 2)).post(UPLOADS)
                .then().statusCode(201);
    }

    @Test
    void shouldAnswer404ForAnUnknownUploadAnd400ForAMalformedId() {
        TestUsers.TestUser alice = users.member();
        alice.req().get(UPLOADS + "/0b6f7c1e-52a4-4c5e-9a57-3f4d2f0c9e11").then().statusCode(404)
                .body("error.code", equalTo("not_found"));
        alice.req().get(UPLOADS + "/1").then().statusCode(400).body("error.code", equalTo("invalid_parameter"));
    }
}
