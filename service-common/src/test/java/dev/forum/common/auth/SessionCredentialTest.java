package dev.forum.common.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SessionCredentialTest {

    @Test
    void ofBearerHeaderIsTheTokenNotFromTheCookie() {
        assertThat(SessionCredential.of("Bearer abc", null)).isEqualTo(new SessionCredential("abc", false));
    }

    @Test
    void ofBearerHeaderIgnoresTheSchemesCaseAndSurroundingBlanks() {
        assertThat(SessionCredential.of("bEaReR   abc  ", null)).isEqualTo(new SessionCredential("abc", false));
    }

    @Test
    void ofHeaderAndCookieTakesTheHeader() {
        assertThat(SessionCredential.of("Bearer from-header", "from-cookie"))
                .isEqualTo(new SessionCredential("from-header", false));
    }

    @Test
    void ofCookieAloneIsTheTrimmedTokenFromTheCookie() {
        assertThat(SessionCredential.of(null, " abc ")).isEqualTo(new SessionCredential("abc", true));
    }

    @Test
    void ofBlankBearerFallsBackToTheCookie() {
        assertThat(SessionCredential.of("Bearer   ", "abc")).isEqualTo(new SessionCredential("abc", true));
    }

    @Test
    void ofOtherSchemeFallsBackToTheCookie() {
        assertThat(SessionCredential.of("Basic YWxpY2U6cHc=", "abc")).isEqualTo(new SessionCredential("abc", true));
    }

    @Test
    void ofNothingUsableIsNull() {
        assertThat(SessionCredential.of(null, null)).isNull();
        assertThat(SessionCredential.of("Bearer ", "  ")).isNull();
        assertThat(SessionCredential.tokenOf("Basic x", "")).isNull();
    }

    @Test
    void hashIsLowercaseHexSha256() {
        assertThat(SessionCredential.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void bearerPresentsTheTokenInTheAuthorizationHeader() {
        assertThat(SessionCredential.of(SessionCredential.bearer("t0k"), null).token()).isEqualTo("t0k");
    }
}
