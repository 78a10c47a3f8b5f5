package dev.forum.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The start-up warm-up on (it is off in %test), small: three rounds of five posts. {@link HeldWarmUp} holds it. */
public class WarmUpProfile implements QuarkusTestProfile {

    public static final int ROUNDS = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("forum.warmup.enabled", "true", "forum.warmup.iterations", Integer.toString(ROUNDS),
                "forum.warmup.posts-per-iteration", "5", "forum.warmup.time-budget", "5m");
    }
}
