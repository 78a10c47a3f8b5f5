package dev.forum.gateway.registry;

import java.util.concurrent.CompletionStage;

/** Where a connection's frames go: the socket in production, a recorder in unit tests. */
public interface FrameSink {

    /** Writes one text frame; completes when the transport accepted it. */
    CompletionStage<Void> send(String text);

    void close(int code, String reason);
}
