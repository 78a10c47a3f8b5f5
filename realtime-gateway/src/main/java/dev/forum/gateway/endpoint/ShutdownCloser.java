package dev.forum.gateway.endpoint;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** On SIGTERM, closes every client with 1012 (service restart) so it reconnects elsewhere and resumes. */
@ApplicationScoped
public class ShutdownCloser {

    /** Time for the close frames to leave before the server stops. */
    private static final long CLOSE_GRACE_MILLIS = 300;

    private final ConnectionHandler handler;

    public ShutdownCloser(ConnectionHandler handler) {
        this.handler = handler;
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        int closed = handler.closeAll(DisconnectCode.SHUTDOWN);
        Log.infof("shutdown: closed %d WebSocket connections with %d", closed, DisconnectCode.SHUTDOWN.code());
        if (closed > 0) {
            try {
                Thread.sleep(CLOSE_GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
