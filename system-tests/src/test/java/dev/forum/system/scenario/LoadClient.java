package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ServiceProcess;
import dev.forum.system.Stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A lean WebSocket client for many sockets: all share one {@link HttpClient} on a small executor, and
 * each records its frames with their arrival time ({@link System#nanoTime()}), for latency. Unlike
 * {@link dev.forum.system.WsClient} it opens asynchronously, so a thousand connect without a thousand
 * waiting threads.
 */
final class LoadClient implements WebSocket.Listener {

    /** A frame and when it arrived. */
    record Received(JsonNode frame, long nanos) {
    }

    /** One HttpClient for many sockets, on {@code threads} threads. */
    static HttpClient sharedHttpClient(int threads) {
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "load-ws");
            thread.setDaemon(true);
            return thread;
        });
        return HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(20)).build();
    }

    private final List<Received> received = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private CompletableFuture<WebSocket> lastSend;

    private LoadClient() {
    }

    static CompletableFuture<LoadClient> open(HttpClient http, URI uri, String token) {
        LoadClient client = new LoadClient();
        return http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(30)).buildAsync(uri, client)
                .thenApply(socket -> {
                    client.socket = socket;
                    return client;
                });
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long now = System.nanoTime();
        partial.append(data);
        if (last) {
            try {
                JsonNode frame = ForumHttp.JSON.readTree(partial.toString());
                synchronized (received) {
                    received.add(new Received(frame, now));
                    received.notifyAll();
                }
            } catch (IOException e) {
                closed.completeExceptionally(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(1006);
    }

    /**
     * {@code count} v2 clients of one user, spread round-robin over the stack's gateways, each subscribed
     * to every given thread (waits for each {@code subscribed}).
     */
    static List<LoadClient> subscribedOnEveryReplica(HttpClient http, Stack stack, String token, int count,
            long... threadIds) throws Exception {
        List<URI> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(stack.gateway(i % stack.gateways().size()).wsUri(Wire.V2));
        }
        return subscribed(http, sockets, token, threadIds);
    }

    /** {@code count} v2 clients of one user on one gateway, each subscribed to every given thread. */
    static List<LoadClient> subscribedOn(HttpClient http, ServiceProcess gateway, String token, int count,
            long... threadIds) throws Exception {
        return subscribed(http, Collections.nCopies(count, gateway.wsUri(Wire.V2)), token, threadIds);
    }

    /** A client per socket URI, each subscribed to every given thread (waits for each {@code subscribed}). */
    private static List<LoadClient> subscribed(HttpClient http, List<URI> sockets, String token, long... threadIds)
            throws Exception {
        List<LoadClient> clients = new ArrayList<>();
        for (URI socket : sockets) {
            LoadClient client = open(http, socket, token).get(30, TimeUnit.SECONDS);
            clients.add(client);
            for (long threadId : threadIds) {
                client.subscribe(threadId);
            }
        }
        for (LoadClient client : clients) {
            for (long threadId : threadIds) {
                if (!client.await(Wire.type("subscribed", threadId), Wire.WAIT)) {
                    clients.forEach(LoadClient::close);
                    throw new IllegalStateException("no subscribed frame for thread " + threadId);
                }
            }
        }
        return clients;
    }

    CompletableFuture<WebSocket> subscribe(long threadId) {
        return sendText("{\"type\":\"subscribe\",\"thread_id\":" + threadId + "}");
    }

    /** Sends after the previous send completed (the JDK allows one outstanding send per socket). */
    synchronized CompletableFuture<WebSocket> sendText(String text) {
        CompletableFuture<WebSocket> previous = lastSend == null ? CompletableFuture.completedFuture(socket)
                : lastSend.exceptionally(failure -> socket);
        lastSend = previous.thenCompose(ws -> ws.sendText(text, true));
        return lastSend;
    }

    CompletableFuture<WebSocket> send(Map<String, Object> frame) {
        try {
            return sendText(ForumHttp.JSON.writeValueAsString(frame));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    List<JsonNode> frames() {
        return received().stream().map(Received::frame).toList();
    }

    /** True once a matching frame has arrived. */
    boolean has(Predicate<JsonNode> matching) {
        synchronized (received) {
            return received.stream().anyMatch(r -> matching.test(r.frame()));
        }
    }

    /** Waits for a matching frame; false on timeout. */
    boolean await(Predicate<JsonNode> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.stream().noneMatch(r -> matching.test(r.frame()))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /** The close code, or -1 while open. */
    int closeCode() {
        return closed.isDone() ? closed.getNow(-1) : -1;
    }

    void close() {
        if (socket != null && !closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((ws, failure) -> socket.abort());
        }
    }
}
