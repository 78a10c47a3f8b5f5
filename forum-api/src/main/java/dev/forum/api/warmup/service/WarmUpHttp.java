package dev.forum.api.warmup.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.auth.Caller;
import dev.forum.api.message.rest.MessageRequests;
import dev.forum.api.user.service.AuthService;
import dev.forum.api.user.service.SessionCache;
import dev.forum.common.auth.SessionCredential;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP half of the start-up warm-up ({@link WarmUpRunner}): requests to this replica's own HTTP port (over
 * loopback unless the server listens on one address only), so that the JIT compilers also see what
 * {@link WarmUpService}'s in-process rounds cannot run: Vert.x and Netty's HTTP server, RESTEasy Reactive's routing,
 * {@link dev.forum.api.auth.AuthFilter}, the request body's and the response's JSON through the REST layer, and the
 * exception mapping.
 *
 * <h2>What it asks, and why nothing is written</h2>
 * Per request pair: {@code GET /api/auth/me} (what every gateway asks for every WebSocket handshake; answered from the
 * session cache) and {@code POST /api/forum/threads/0/messages} with a real post's body (authentication, JSON decoding,
 * validation, the transaction and the thread read of a post; the thread does not exist, ids start at 1, so it ends
 * in a 404 before any write or rate-limit count). The session is synthetic: a random token known only to this process,
 * held in this replica's {@link SessionCache} memory ({@link SessionCache#holdSynthetic}) for a user id no row has;
 * no {@code user_session} row exists for it, and it is gone when the warm-up ends. What remains: these requests in
 * the HTTP request metrics ({@code http_server_requests_seconds} for those two URIs, status 200 and 404).
 */
@ApplicationScoped
public class WarmUpHttp {

    /** A thread id no thread has: identity columns start at 1. */
    static final long NO_THREAD = 0;
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    private static final String[] CONTENTS = WarmUpService.CONTENTS;

    private final Vertx vertx;
    private final SessionCache sessions;
    private final ObjectMapper json;
    private volatile String host = "127.0.0.1";
    private volatile int port = -1;

    public WarmUpHttp(Vertx vertx, SessionCache sessions, ObjectMapper json) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.json = json;
    }

    /**
     * The port the HTTP server listens on (Quarkus fires this asynchronously once it listens). A random port
     * ({@code 0}) is not known from the options: the warm-up then runs without its HTTP half.
     */
    void onHttpStart(@ObservesAsync HttpServerStart start) {
        String listening = start.options().getHost();
        host = listening == null || listening.equals("0.0.0.0") || listening.equals("::") ? "127.0.0.1" : listening;
        port = start.options().getPort();
    }

    /** Whether the HTTP server listens on a known port yet (the warm-up's first rounds may run before it does). */
    boolean ready() {
        return port > 0;
    }

    /** An open warm-up client: a synthetic session and one keep-alive connection pool to this replica. */
    Client open() {
        return new Client();
    }

    /** Requests over one pool with one synthetic session; {@link #close()} ends both. */
    final class Client implements AutoCloseable {

        private final HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true).setMaxPoolSize(2));
        private final String token = AuthService.newToken();
        private final AutoCloseable session = sessions.holdSynthetic(SessionCredential.hash(token), syntheticCaller());
        private final String authorization = SessionCredential.bearer(token);

        /** {@code pairs} times: the caller ({@code 200}), then a post to a thread that does not exist ({@code 404}). */
        void run(int pairs) throws Exception {
            for (int i = 0; i < pairs; i++) {
                expect(send(HttpMethod.GET, "/api/auth/me", null), 200);
                expect(send(HttpMethod.POST, "/api/forum/threads/" + NO_THREAD + "/messages", postBody(i)), 404);
            }
        }

        private Buffer postBody(int i) throws JsonProcessingException {
            return Buffer.buffer(json.writeValueAsBytes(new MessageRequests.PostMessage(CONTENTS[i % CONTENTS.length], null)));
        }

        private int send(HttpMethod method, String uri, Buffer body) throws Exception {
            RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri)
                    .putHeader(HttpHeaders.AUTHORIZATION, authorization)
                    .setTimeout(REQUEST_TIMEOUT_MILLIS);
            if (body != null) {
                options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            }
            Future<Integer> status = http.request(options)
                    .compose(request -> body == null ? request.send() : request.send(body))
                    .compose(response -> response.body().map(ignored -> response.statusCode()));
            return await(status);
        }

        @Override
        public void close() throws Exception {
            try {
                session.close();
            } finally {
                await(http.close().map(0));
            }
        }
    }

    private static void expect(int status, int expected) {
        if (status != expected) {
            throw new IllegalStateException("warm-up request answered " + status + ", expected " + expected);
        }
    }

    /** Blocks the warm-up's own thread (never an event loop) until the request is answered. */
    private static int await(Future<Integer> future) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        future.onComplete(ignored -> done.countDown());
        if (!done.await(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("warm-up request not answered in " + REQUEST_TIMEOUT_MILLIS + " ms");
        }
        if (future.failed()) {
            throw new IllegalStateException("warm-up request failed", future.cause());
        }
        return future.result();
    }

    /** A member no row has (ids start at 1), with a session that ends within the hour. */
    private static Caller syntheticCaller() {
        return new Caller(0, new CurrentUser(0, "warm-up~http", "warm-up", Role.MEMBER, 0),
                Instant.now().plus(1, ChronoUnit.HOURS));
    }
}
