package dev.forum.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Three posts, three reactions, three uploads and five name lookups per minute per user, so that the limits are reached in a test
 * without waiting. */
public class LowRateLimitProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("forum.rate-limit.posts", "3", "forum.rate-limit.reactions", "3", "forum.rate-limit.lookups", "5",
                "forum.rate-limit.uploads", "3",
                "forum.rate-limit.window", "60s");
    }
}
