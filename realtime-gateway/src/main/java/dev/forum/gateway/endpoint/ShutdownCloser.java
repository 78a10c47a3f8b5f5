package dev.forum.gateway.endpoint;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * On SIGTERM, closes every client with 1012 (service restart) so it reconnects elsewhere and resumes.
 * Runs when the shutdown delay starts ({@code quarkus.shutdown.delay-enabled}), i.e. before Quarkus
 * waits for in-flight requests (an open WebSocket counts as one) and before the HTTP server closes the
 * sockets itself with 1000; the ShutdownEvent observer is a fallback.
 */
@ApplicationScoped
public class ShutdownCloser {

    /** Time for the close frames to leave before the server stops. */
    private static final long CLOSE_GRACE_MILLIS = 300;

    private final ConnectionHandler handler;

    public ShutdownCloser(ConnectionHandler handler) {
        this.handler = handler;
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        closeAll();
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        closeAll();
    }

    private void closeAll() {
        int closed = handler.closeAll(DisconnectCode.SHUTDOWN);
        if (closed == 0) {
            return;
        }
        Log.infof("shutdown: closed %d WebSocket connections with %d", closed, DisconnectCode.SHUTDOWN.code());
        try {
            Thread.sleep(CLOSE_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
