package dev.forum.gateway.endpoint;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OriginPolicyTest {

    private final OriginPolicy sameOriginOnly = new OriginPolicy(List.of());

    @Test
    void crossSiteWebSocketHijackingFromAForeignOriginIsRefused() {
        assertThat(sameOriginOnly.allows("https://evil.example", "forum.example")).isFalse();
        assertThat(sameOriginOnly.allows("https://forum.example.evil.example", "forum.example")).isFalse();
        assertThat(sameOriginOnly.allows("http://localhost:9999", "localhost:8000")).isFalse();
        assertThat(sameOriginOnly.allows("null", "forum.example")).isFalse();
        assertThat(sameOriginOnly.allows("file://", "forum.example")).isFalse();
        assertThat(sameOriginOnly.allows("https://forum.example", null)).isFalse();
    }

    @Test
    void allowsThePageServedByTheSameHost() {
        assertThat(sameOriginOnly.allows("http://localhost:8000", "localhost:8000")).isTrue();
        assertThat(sameOriginOnly.allows("https://Forum.Example", "forum.example")).isTrue();
        assertThat(sameOriginOnly.allows("https://forum.example:443", "forum.example")).isTrue();
        assertThat(sameOriginOnly.allows("https://forum.example", "forum.example:443")).isTrue();
        assertThat(sameOriginOnly.allows("http://forum.example", "forum.example:80")).isTrue();
    }

    @Test
    void allowsConfiguredOrigins() {
        OriginPolicy policy = new OriginPolicy(List.of("https://app.forum.example", "http://localhost:3000/"));

        assertThat(policy.allows("https://app.forum.example", "api.forum.example")).isTrue();
        assertThat(policy.allows("http://localhost:3000", "localhost:8081")).isTrue();
        assertThat(policy.allows("http://app.forum.example", "api.forum.example")).isFalse();
        assertThat(policy.allows("https://evil.example", "api.forum.example")).isFalse();
    }
}
