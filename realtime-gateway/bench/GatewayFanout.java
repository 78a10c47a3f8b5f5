import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gateway-only fan-out load: events are PUBLISHed straight into Redis on their thread shard's channel (seq
 * continuing that shard's head in forum-api's feed, so the gateway sees no gap), bypassing forum-api's write path, so that the figures are the
 * gateway's own: deliveries/s, loss, duplicates, latency (publish to frame received), and CPU per
 * delivery of the gateway, Redis and this generator. Run by realtime-gateway/bench/fanout.sh.
 *
 * <p>Modes: {@code fanout} (open-loop steps of posts/s) and {@code idle} (N subscribed connections,
 * RSS growth of the gateway per connection).
 */
public final class GatewayFanout {

    static String arg(String name, String def) {
        String v = System.getProperty(name);
        return v == null ? def : v;
    }

    static final String API = arg("api", "http://127.0.0.1:9401");
    static final String WS_HOST = arg("ws.host", "127.0.0.1");
    static final int WS_PORT = Integer.parseInt(arg("ws.port", "9402"));
    static final String REDIS_HOST = arg("redis.host", "127.0.0.1");
    static final int REDIS_PORT = Integer.parseInt(arg("redis.port", "9403"));
    static final String NS = arg("ns", "gwperf");
    static final String INTERNAL = arg("internal.token", "dev-internal-token");
    static final int CLIENTS = Integer.parseInt(arg("clients", "2000"));
    static final int THREADS = Integer.parseInt(arg("threads", "20"));
    /** Enough accounts to stay under the gateway's sockets-per-user limit (20 by default). */
    static final int USERS = Integer.parseInt(arg("users", Integer.toString(Math.max(20, (CLIENTS + 19) / 20))));
    static final String MODE = arg("mode", "fanout");
    static final int STEP_SECONDS = Integer.parseInt(arg("step.seconds", "10"));
    static final int WARMUP_SECONDS = Integer.parseInt(arg("warmup.seconds", "20"));
    static final String RATES = arg("rates", "50,100,200,400,600,800");
    static final double GROWTH = Double.parseDouble(arg("growth", "0"));
    static final long GATEWAY_PID = Long.parseLong(arg("gateway.pid", "0"));
    static final long REDIS_PID = Long.parseLong(arg("redis.pid", "0"));
    static final int LOCAL_ADDRESSES = Integer.parseInt(arg("local.addresses", "1"));
    static final int IO_THREADS = Integer.parseInt(arg("io.threads", "2"));

    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One connection's view. */
    static final class Client {
        final int thread;
        volatile WebSocket socket;
        long lastSeq = -1;
        long received;
        long duplicates;
        long reordered;
        volatile boolean subscribed;
        volatile int closeCode = -1;
        int connectFailures;

        Client(int thread) {
            this.thread = thread;
        }
    }

    static final ConcurrentHistogram LATENCY = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    static final AtomicLong RECEIVED = new AtomicLong();
    static final Vertx VERTX = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(IO_THREADS));

    public static void main(String[] a) throws Exception {
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            String name = "gwb_" + run + "_" + u;
            post("/api/auth/register", null, "{\"username\":\"" + name + "\",\"password\":\"bench-password\"}");
            String login = post("/api/auth/login", null,
                    "{\"username\":\"" + name + "\",\"password\":\"bench-password\"}");
            tokens.add(field(login, "token"));
        }
        long[] threadIds = new long[THREADS];
        for (int t = 0; t < THREADS; t++) {
            String thread = post("/api/forum/threads", tokens.get(0),
                    "{\"title\":\"bench " + t + "\",\"content\":\"" + "x".repeat(100) + "\"}");
            threadIds[t] = Long.parseLong(field(thread, "id"));
        }
        // Each published event continues its thread's shard stream from the feed's head of that shard
        // (forum-api's epoch and shard count), so the gateway sees no gap. The envelope of the last
        // new_message (the last thread's first message) is the template payload.
        Thread.sleep(1500);
        JsonObject forum = new JsonObject(postInternal("{\"positions\":{\"-1\":0},\"limit\":1}"));
        int epoch = forum.getInteger("shard_epoch");
        int shardCount = forum.getInteger("shard_count");
        JsonObject shards = new JsonObject().put("limit", 1).put("shard_epoch", epoch);
        JsonObject positions = new JsonObject();
        for (int k = 0; k < shardCount; k++) {
            positions.put(Integer.toString(k), 0);
        }
        long[] heads = new long[shardCount];
        for (Object page : new JsonObject(postInternal(shards.put("positions", positions).encode()))
                .getJsonArray("pages")) {
            heads[((JsonObject) page).getInteger("shard")] = ((JsonObject) page).getLong("head_seq");
        }
        int lastShard = (int) Math.floorMod(threadIds[THREADS - 1], (long) shardCount);
        String page = get("/api/internal/events?shard=" + lastShard + "&after_seq="
                + Math.max(0, heads[lastShard] - 4) + "&limit=10");
        int nm = page.lastIndexOf("\"type\":\"new_message\"");
        int payloadAt = page.indexOf("\"payload\":", nm) + "\"payload\":".length();
        String payload = page.substring(payloadAt + 1, matchingBrace(page, payloadAt)); // without braces

        Vertx vertx = VERTX;
        List<WebSocketClient> wsClients = new ArrayList<>();
        for (int i = 0; i < LOCAL_ADDRESSES; i++) {
            WebSocketClientOptions options = new WebSocketClientOptions().setMaxConnections(Integer.MAX_VALUE)
                    .setConnectTimeout(60_000);
            if (LOCAL_ADDRESSES > 1) {
                options.setLocalAddress("127.0.0." + (2 + i));
            }
            wsClients.add(vertx.createWebSocketClient(options));
        }
        List<Client> clients = new ArrayList<>();
        long rssBefore = rssKb(GATEWAY_PID);
        gatewayGc();
        long rssBeforeGc = rssKb(GATEWAY_PID);
        long connectStart = System.nanoTime();
        int batch = Integer.parseInt(arg("connect.batch", "100"));
        for (int i = 0; i < CLIENTS; i += batch) {
            int end = Math.min(CLIENTS, i + batch);
            CountDownLatch ready = new CountDownLatch(end - i);
            for (int c = i; c < end; c++) {
                Client client = new Client(c % THREADS);
                clients.add(client);
                connect(wsClients.get(c % wsClients.size()), client, tokens.get(c % USERS), threadIds[client.thread],
                        ready);
            }
            if (!ready.await(120, TimeUnit.SECONDS)) {
                System.err.println("clients not subscribed: " + ready.getCount());
                System.exit(2);
            }
        }
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        System.err.printf(Locale.ROOT, "%d clients subscribed in %.1f s%n", CLIENTS, connectSeconds);

        if (MODE.equals("idle")) {
            Thread.sleep(5000);
            long rssAfter = rssKb(GATEWAY_PID);
            gatewayGc();
            long rssAfterGc = rssKb(GATEWAY_PID);
            System.out.printf(Locale.ROOT,
                    "{\"scenario\":\"idle\",\"connections\":%d,\"gateway_rss_before_kb\":%d,\"gateway_rss_after_kb\":%d,"
                            + "\"rss_per_connection_kb\":%.2f,\"rss_per_connection_after_full_gc_kb\":%.2f,"
                            + "\"connect_seconds\":%.1f,\"closed\":%d}%n",
                    CLIENTS, rssBefore, rssAfter, (rssAfter - rssBefore) / (double) CLIENTS,
                    (rssAfterGc - rssBeforeGc) / (double) CLIENTS, connectSeconds,
                    clients.stream().filter(c -> c.closeCode >= 0).count());
            if (Boolean.parseBoolean(arg("hold", "false"))) {
                System.err.println("holding connections; press Ctrl-C");
                Thread.sleep(Long.MAX_VALUE);
            }
            vertx.close();
            return;
        }

        Publisher publisher = new Publisher(epoch, heads, threadIds, payload);
        List<Double> rates = new ArrayList<>();
        if (GROWTH > 0) {
            double r = Double.parseDouble(RATES.split(",")[0]);
            for (int i = 0; i < 40; i++, r *= GROWTH) {
                rates.add(r);
            }
        } else {
            for (String r : RATES.split(",")) {
                rates.add(Double.parseDouble(r));
            }
        }
        // Warm-up (JIT) at the first rate, not reported; then the gateway's CPU at rest, subtracted below.
        publisher.run(rates.get(0), WARMUP_SECONDS);
        Thread.sleep(2000);
        long idleCpu0 = cpuTicks(GATEWAY_PID);
        long idleT0 = System.nanoTime();
        Thread.sleep(5000);
        double idleCpuPerSecond = (cpuTicks(GATEWAY_PID) - idleCpu0) * 10_000.0 / ((System.nanoTime() - idleT0) / 1e9);
        for (double rate : rates) {
            LATENCY.reset();
            long delivBefore = RECEIVED.get();
            long expectedBefore = expectedTotal(clients, publisher);
            long gwCpu0 = cpuTicks(GATEWAY_PID);
            long redisCpu0 = cpuTicks(REDIS_PID);
            long ownCpu0 = ownCpuNanos();
            long t0 = System.nanoTime();
            publisher.run(rate, STEP_SECONDS);
            long expected = expectedTotal(clients, publisher);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (RECEIVED.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long delivered = RECEIVED.get() - delivBefore;
            double gwCpu = (cpuTicks(GATEWAY_PID) - gwCpu0) * 10_000.0; // ticks (10 ms) to us
            double redisCpu = (cpuTicks(REDIS_PID) - redisCpu0) * 10_000.0;
            double ownCpu = (ownCpuNanos() - ownCpu0) / 1000.0;
            long lost = expected - RECEIVED.get();
            double gwNetCpu = gwCpu - idleCpuPerSecond * seconds;
            long dups = clients.stream().mapToLong(c -> c.duplicates).sum();
            long reordered = clients.stream().mapToLong(c -> c.reordered).sum();
            long closed = clients.stream().filter(c -> c.closeCode >= 0).count();
            System.out.printf(Locale.ROOT,
                    "{\"scenario\":\"fanout\",\"clients\":%d,\"threads\":%d,\"posts_per_s\":%.0f,\"deliveries\":%d,"
                            + "\"deliveries_per_s\":%.0f,\"lost\":%d,\"duplicates\":%d,\"reordered\":%d,\"closed\":%d,"
                            + "\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,"
                            + "\"gateway_cpu_us_per_delivery\":%.2f,\"gateway_net_cpu_us_per_delivery\":%.2f,"
                            + "\"gateway_cpu_pct\":%.0f,\"gateway_idle_cpu_pct\":%.1f,"
                            + "\"redis_cpu_us_per_delivery\":%.2f,\"generator_cpu_us_per_delivery\":%.2f,"
                            + "\"gateway_rss_kb\":%d}%n",
                    CLIENTS, THREADS, rate, delivered, (expected - expectedBefore) / (double) STEP_SECONDS, lost, dups,
                    reordered, closed, LATENCY.getValueAtPercentile(50) / 1000.0,
                    LATENCY.getValueAtPercentile(90) / 1000.0, LATENCY.getValueAtPercentile(99) / 1000.0,
                    LATENCY.getMaxValue() / 1000.0, gwCpu / Math.max(1, delivered), gwNetCpu / Math.max(1, delivered),
                    gwCpu / seconds / 1e4, idleCpuPerSecond / 1e4,
                    redisCpu / Math.max(1, delivered), ownCpu / Math.max(1, delivered), rssKb(GATEWAY_PID));
            if (lost > 0 || LATENCY.getValueAtPercentile(99) > 1_000_000 || closed > 0) {
                break;
            }
        }
        vertx.close();
        System.exit(0);
    }

    static long expectedTotal(List<Client> clients, Publisher publisher) {
        long total = 0;
        for (Client c : clients) {
            total += publisher.perThread[c.thread];
        }
        return total;
    }

    static void connect(WebSocketClient ws, Client client, String token, long threadId, CountDownLatch ready) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(WS_HOST).setPort(WS_PORT)
                .setURI("/api/forum/ws/v2").addHeader("Authorization", "Bearer " + token);
        ws.connect(options).onSuccess(socket -> {
            client.socket = socket;
            socket.closeHandler(v -> client.closeCode = socket.closeStatusCode() == null ? 1006
                    : socket.closeStatusCode());
            socket.textMessageHandler(text -> onText(client, text, ready));
            socket.writeTextMessage("{\"type\":\"subscribe\",\"thread_id\":" + threadId + "}");
        }).onFailure(e -> {
            if (++client.connectFailures > 20) {
                System.err.println("connect failed: " + e);
                ready.countDown();
            } else {
                VERTX.setTimer(200L * client.connectFailures, id -> connect(ws, client, token, threadId, ready));
            }
        });
    }

    static void onText(Client client, String text, CountDownLatch ready) {
        if (text.startsWith("{\"type\":\"new_message\"")) {
            long now = System.nanoTime();
            long seq = longField(text, "\"seq\":");
            long sent = longField(text, "\"bench_ns\":");
            if (seq <= client.lastSeq) {
                client.duplicates++;
                return;
            }
            client.lastSeq = seq;
            client.received++;
            RECEIVED.incrementAndGet();
            if (sent > 0) {
                LATENCY.recordValue(Math.max(0, (now - sent) / 1000));
            }
        } else if (!client.subscribed && text.contains("\"type\":\"subscribed\"")) {
            client.subscribed = true;
            ready.countDown();
        }
    }

    /** PUBLISHes envelopes on a raw RESP connection, open loop, pipelined every millisecond. */
    static final class Publisher {
        final long[] threadIds;
        final long[] perThread;
        final String payload;
        final Socket socket;
        final OutputStream out;
        final int epoch;
        /** The last seq of each shard's stream. */
        final long[] seqs;
        int next;

        Publisher(int epoch, long[] heads, long[] threadIds, String payload) throws Exception {
            this.epoch = epoch;
            this.seqs = heads.clone();
            this.threadIds = threadIds;
            this.perThread = new long[threadIds.length];
            this.payload = payload;
            this.socket = new Socket(REDIS_HOST, REDIS_PORT);
            socket.setTcpNoDelay(true);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            InputStream in = socket.getInputStream();
            Thread drain = new Thread(() -> {
                byte[] buf = new byte[1 << 16];
                try {
                    while (in.read(buf) >= 0) {
                        // replies (subscriber counts) are not needed
                    }
                } catch (Exception ignored) {
                    // closed
                }
            }, "redis-replies");
            drain.setDaemon(true);
            drain.start();
        }

        void run(double rate, int seconds) throws Exception {
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long sent = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                long due = (long) ((now - start) / 1e9 * rate);
                while (sent < due) {
                    publishOne();
                    sent++;
                }
                out.flush();
                Thread.sleep(1);
            }
            out.flush();
        }

        void publishOne() throws Exception {
            int t = next++ % threadIds.length;
            long threadId = threadIds[t];
            perThread[t]++;
            int shard = (int) Math.floorMod(threadId, (long) seqs.length);
            long seq = ++seqs[shard];
            String envelope = "{\"event_id\":\"" + UUID.randomUUID() + "\",\"shard_epoch\":" + epoch + ",\"shard\":"
                    + shard + ",\"seq\":" + seq + ",\"type\":\"new_message\",\"aggregate_type\":\"thread\",\"aggregate_id\":\"" + threadId
                    + "\",\"audience\":\"thread\",\"thread_id\":" + threadId + ",\"min_tier_cents\":0,\"committed_at\":\""
                    + Instant.now() + "\",\"payload\":{\"bench_ns\":" + System.nanoTime() + "," + payload + "}}";
            String channel = NS + ":events:{" + shard + "}";
            byte[] body = envelope.getBytes(StandardCharsets.UTF_8);
            out.write(("*3\r\n$7\r\nPUBLISH\r\n$" + channel.length() + "\r\n" + channel + "\r\n$" + body.length
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write('\r');
            out.write('\n');
        }
    }

    static long longField(String text, String key) {
        int at = text.indexOf(key);
        if (at < 0) {
            return -1;
        }
        long v = 0;
        for (int i = at + key.length(); i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                break;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    static int matchingBrace(String s, int open) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (inString) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    inString = false;
                }
            } else if (ch == '"') {
                inString = true;
            } else if (ch == '{') {
                depth++;
            } else if (ch == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced JSON");
    }

    static String field(String json, String name) {
        String key = "\"" + name + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        int start = at + key.length();
        if (json.charAt(start) == '"') {
            return json.substring(start + 1, json.indexOf('"', start + 1));
        }
        int end = start;
        while (end < json.length() && "-0123456789".indexOf(json.charAt(end)) >= 0) {
            end++;
        }
        return json.substring(start, end);
    }

    static String post(String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(API + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(path + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** forum-api's {@code POST /api/internal/events/positions}. */
    static String postInternal(String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(API + "/api/internal/events/positions"))
                .header("X-Internal-Token", INTERNAL).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("events/positions -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    static String get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(API + path))
                .header("X-Internal-Token", INTERNAL).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(path + " -> " + response.statusCode());
        }
        return response.body();
    }

    static long cpuTicks(long pid) throws Exception {
        if (pid <= 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long rssKb(long pid) throws Exception {
        if (pid <= 0) {
            return 0;
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** A full GC in the gateway (jcmd), so that RSS compares what is retained rather than garbage. */
    static void gatewayGc() throws Exception {
        if (GATEWAY_PID > 0) {
            new ProcessBuilder("jcmd", Long.toString(GATEWAY_PID), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
    }

    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
