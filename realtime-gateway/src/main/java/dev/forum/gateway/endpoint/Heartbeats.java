package dev.forum.gateway.endpoint;

import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * Once a second over every connection: a heartbeat frame after {@code gateway.heartbeat.interval} of outbound
 * silence, and 4501 for a socket whose session has expired (a socket must not outlive its session).
 */
@ApplicationScoped
public class Heartbeats {

    private final SubscriptionRegistry registry;
    private final ServerFrames frames;
    private final long silenceNanos;

    public Heartbeats(SubscriptionRegistry registry, ServerFrames frames, GatewayConfig config) {
        this.registry = registry;
        this.frames = frames;
        this.silenceNanos = config.heartbeat().interval().toNanos();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeats() {
        long now = System.nanoTime();
        Instant wallClock = Instant.now();
        for (ClientSession session : registry.allSessions()) {
            if (session.isExpiredAt(wallClock)) {
                Log.debugf("closing connection %s: its session expired", session.id());
                session.close(DisconnectCode.SESSION_REVOKED);
            } else if (now - session.writer().lastWriteNanos() >= silenceNanos) {
                session.send(frames.heartbeat());
            }
        }
    }
}
