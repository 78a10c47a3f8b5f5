package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A WebSocket client on the JDK's java.net.http: records every frame it receives (parsed JSON) and how
 * the connection closed. A "non-reading" client never asks for a message, so the JDK stops reading the
 * socket and the server's writes back up (a slow client).
 */
public final class WsClient implements AutoCloseable {

    /** Close code recorded when the connection broke without a close frame. */
    public static final int ABNORMAL = 1006;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A frame and when it arrived ({@link System#nanoTime()}). */
    public record Received(JsonNode frame, long atNanos) {
    }

    private final List<JsonNode> frames = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean reading;
    private WebSocket socket;

    private WsClient(boolean reading) {
        this.reading = reading;
    }

    public static WsClient connect(URI uri, String token) {
        return open(uri, token, true, false);
    }

    /** Connects, subscribes to one thread and waits for its {@code subscribed} frame. */
    public static WsClient connectSubscribed(URI uri, String token, long threadId) {
        WsClient client = connect(uri, token);
        client.subscribe(threadId);
        client.await(Frames.type("subscribed", threadId), Frames.WAIT);
        return client;
    }

    /** Authenticates with the forum_session cookie, as a browser does. */
    public static WsClient connectWithCookie(URI uri, String token) {
        return open(uri, token, true, true);
    }

    /** A client that never reads what the server sends. */
    public static WsClient connectNonReading(URI uri, String token) {
        return open(uri, token, false, false);
    }

    /** The HTTP status of a refused handshake, or 101 if it was accepted. */
    public static int handshakeStatus(URI uri, String token) {
        return handshakeStatusWith(uri, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    /** The HTTP status of a handshake with these headers (e.g. Cookie and Origin, as a browser sends them). */
    public static int handshakeStatusWith(URI uri, Map<String, String> headers) {
        try {
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            headers.forEach(builder::header);
            WebSocket ws = builder.buildAsync(uri, new WebSocket.Listener() {
            }).get(10, TimeUnit.SECONDS);
            ws.abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                return handshake.getResponse().statusCode();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WsClient open(URI uri, String token, boolean reading, boolean cookie) {
        WsClient client = new WsClient(reading);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (cookie) {
            builder.header("Cookie", "forum_session=" + token);
        } else {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            client.socket = builder.buildAsync(uri, client.listener()).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("WebSocket to " + uri + " failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
        return client;
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                if (reading) {
                    webSocket.request(1);
                }
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    try {
                        JsonNode frame = ForumHttp.JSON.readTree(text);
                        synchronized (frames) {
                            frames.add(frame);
                            arrivals.add(System.nanoTime());
                            frames.notifyAll();
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException("server sent invalid JSON: " + text, e);
                    }
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeCode.complete(ABNORMAL);
            }
        };
    }

    public void send(Object frame) {
        try {
            sendRaw(ForumHttp.JSON.writeValueAsString(frame));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A non-reading client starts reading (everything buffered, then the close frame if any). */
    public void startReading() {
        socket.request(Long.MAX_VALUE);
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends unless the gateway has closed the connection meanwhile (then false: its output is closed). */
    public boolean trySendRaw(String text) {
        try {
            sendRaw(text);
            return true;
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException) {
                return false;
            }
            throw e;
        }
    }

    public void subscribe(long threadId) {
        send(java.util.Map.of("type", "subscribe", "thread_id", threadId));
    }

    public void subscribe(long threadId, String lastEventId) {
        send(java.util.Map.of("type", "subscribe", "thread_id", threadId, "last_event_id", lastEventId));
    }

    public void typingOn(long threadId) {
        send(java.util.Map.of("type", "typing", "thread_id", threadId, "is_typing", true));
    }

    /** Waits for the first received frame matching the predicate (already received ones count). */
    public JsonNode await(Predicate<JsonNode> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (true) {
                for (JsonNode frame : frames) {
                    if (matching.test(frame)) {
                        return frame;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching frame within " + timeout + "; received: " + frames);
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    public JsonNode awaitType(String type, Duration timeout) {
        return await(frame -> type.equals(frame.path("type").asText()), timeout);
    }

    /** Waits until at least {@code count} frames match. */
    public List<JsonNode> awaitCount(Predicate<JsonNode> matching, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (true) {
                List<JsonNode> matched = frames.stream().filter(matching).toList();
                if (matched.size() >= count) {
                    return matched;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " matching frames within " + timeout + ", got "
                            + matched.size() + "; received: " + frames);
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    public List<JsonNode> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    public List<Received> received() {
        synchronized (frames) {
            List<Received> received = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                received.add(new Received(frames.get(i), arrivals.get(i)));
            }
            return received;
        }
    }

    public List<JsonNode> framesOfType(String type) {
        return frames().stream().filter(frame -> type.equals(frame.path("type").asText())).toList();
    }

    /** Waits for the connection to end; returns the close code (1006 if it broke). */
    public int awaitClose(Duration timeout) {
        try {
            return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("connection not closed within " + timeout, e);
        }
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Cuts the connection without a close handshake (a dropped network). */
    public void abort() {
        socket.abort();
        closeCode.complete(ABNORMAL);
    }

    @Override
    public void close() {
        if (!closeCode.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException | CompletionException e) {
                socket.abort();
            }
        }
        socket.abort();
    }
}
