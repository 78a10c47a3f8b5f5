package dev.forum.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Three login attempts per account and five per address per minute, two registrations per address; the client
 * address comes from X-Forwarded-For (as behind the Ingress), so each test uses addresses of its own.
 */
public class LowLoginLimitProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("forum.rate-limit.login.per-account", "3",
                "forum.rate-limit.login.per-address", "5",
                "forum.rate-limit.login.registers-per-address", "2",
                "forum.rate-limit.login.window", "60s",
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true");
    }
}
