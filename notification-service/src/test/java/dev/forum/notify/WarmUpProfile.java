package dev.forum.notify;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The start-up warm-up on (it is off in %test), small: three rounds of forty events. {@link dev.forum.common.warmup.HeldWarmUp} holds it. */
public class WarmUpProfile implements QuarkusTestProfile {

    public static final int ROUNDS = 3;
    public static final int EVENTS_PER_ROUND = 40;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("notify.warmup.enabled", "true", "notify.warmup.iterations", Integer.toString(ROUNDS),
                "notify.warmup.events-per-iteration", Integer.toString(EVENTS_PER_ROUND),
                "notify.warmup.time-budget", "5m");
    }
}
