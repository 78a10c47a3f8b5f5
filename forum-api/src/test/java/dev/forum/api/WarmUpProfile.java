package dev.forum.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The start-up warm-up on (it is off in %test), small: three rounds of five posts. {@link dev.forum.common.warmup.HeldWarmUp} holds it. The
 * HTTP port is a free one picked here, not a random one ({@code quarkus.http.test-port=0}): the warm-up's HTTP half
 * needs to know its port from the server's options.
 */
public class WarmUpProfile implements QuarkusTestProfile {

    public static final int ROUNDS = 3;
    public static final int POSTS_PER_ROUND = 5;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("forum.warmup.enabled", "true", "forum.warmup.iterations", Integer.toString(ROUNDS),
                "forum.warmup.posts-per-iteration", Integer.toString(POSTS_PER_ROUND), "forum.warmup.time-budget", "5m",
                "quarkus.http.test-port", Integer.toString(freePort()));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
