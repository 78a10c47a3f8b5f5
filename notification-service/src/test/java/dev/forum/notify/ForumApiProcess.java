package dev.forum.notify;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Starts forum-api's packaged jar ({@code forum-api/target/quarkus-app/quarkus-run.jar}, built
 * before this module in the reactor) as a real process on a free port, with its own scratch
 * database and the Redis namespace of this test boot, so that notification-service consumes its real
 * event feed and resolves sessions with its real {@code /api/auth/me}. Stops only that process and
 * drops only that database.
 */
public class ForumApiProcess implements QuarkusTestResourceLifecycleManager {

    static final Path JAR = Path.of(System.getProperty("notifytest.forum-api-jar",
            "../forum-api/target/quarkus-app/quarkus-run.jar"));

    /** Base URL of the running forum-api, for tests. */
    public static volatile String baseUrl;
    /** forum-api's database, for tests that write what an older forum-api would have written. */
    public static volatile String jdbcUrl;
    /** The Redis both forum-api and this service use in these tests; tests may stop and restart it. */
    public static volatile RedisServerProcess redis;

    /** The forum-api of this boot, for tests that restart it. */
    private static volatile ForumApiProcess running;

    private Process process;
    private ProcessBuilder builder;
    private String readyUrl;
    private String database;

    public static boolean jarAvailable() {
        return Files.isRegularFile(JAR);
    }

    @Override
    public Map<String, String> start() {
        if (!jarAvailable()) {
            throw new IllegalStateException("forum-api is not packaged: run `mvn -pl forum-api package -DskipTests` "
                    + "(or the whole build) first; looked for " + JAR.toAbsolutePath());
        }
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        database = "forum_api_nt_" + suffix; // "nt": started by notification-service tests
        NotifyTestResource.execute("CREATE DATABASE " + database);
        jdbcUrl = NotifyTestResource.jdbcUrl(database);
        String token = "it-" + suffix;
        int port = RedisServerProcess.freePort();
        String redisUrl = startRedis();
        int managementPort = RedisServerProcess.freePort();
        builder = new ProcessBuilder("java", "-Xmx256m", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPort, "-jar", JAR.toAbsolutePath().toString());
        builder.environment().put("FORUM_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + database);
        builder.environment().put("FORUM_INTERNAL_TOKEN", token);
        builder.environment().put("FORUM_REDIS_NAMESPACE", publishNamespace(NotifyTestResource.namespace));
        builder.environment().put("FORUM_REDIS_URL", redisUrl);
        // forum-api's warm-up is tested in forum-api; here it would only delay every start by up to its budget
        builder.environment().put("FORUM_WARMUP_ENABLED", "false");
        builder.environment().putAll(environment());
        // Tests log in and act from one address far faster than the production limits allow.
        for (String limit : new String[] {"FORUM_RATE_LIMIT_POSTS", "FORUM_RATE_LIMIT_REACTIONS",
            "FORUM_RATE_LIMIT_LOGIN_PER_ACCOUNT", "FORUM_RATE_LIMIT_LOGIN_PER_ADDRESS",
            "FORUM_RATE_LIMIT_REGISTERS_PER_ADDRESS"}) {
            builder.environment().put(limit, "100000");
        }
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target", "forum-api-" + suffix + ".log")));
        baseUrl = "http://127.0.0.1:" + port;
        readyUrl = "http://127.0.0.1:" + managementPort + "/q/health/ready";
        launch();
        running = this;
        return Map.of(
                "quarkus.rest-client.forum-api.url", baseUrl,
                "notify.internal-token", token,
                "quarkus.redis.hosts", redisUrl);
    }

    /**
     * Stops forum-api and starts it again on the same database, ports and Redis with {@code env} added (e.g. another
     * {@code FORUM_EVENT_SHARDS}).
     */
    public static void restartWith(Map<String, String> env) {
        running.restart(env);
    }

    private synchronized void restart(Map<String, String> env) {
        stopProcess();
        builder.environment().putAll(env);
        launch();
    }

    private void launch() {
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start forum-api", e);
        }
        awaitReady(readyUrl);
    }

    /** Starts the Redis forum-api and this service share; returns its URL (seed URLs, comma-separated). */
    protected String startRedis() {
        redis = RedisServerProcess.onFreePort();
        redis.start();
        return redis.url();
    }

    /** forum-api's environment beyond database, token, namespace and Redis URL. */
    protected Map<String, String> environment() {
        return Map.of();
    }

    /** Stops what {@link #startRedis()} started. */
    protected void stopRedis() {
        if (redis != null) {
            redis.stop();
        }
    }

    /** The Redis namespace forum-api publishes its events to: the one this service subscribes to. */
    protected String publishNamespace(String serviceNamespace) {
        return serviceNamespace;
    }

    @Override
    public int order() {
        return 10; // after NotifyTestResource, whose namespace forum-api must publish to
    }

    @Override
    public void stop() {
        stopProcess();
        stopRedis();
        if (database != null) {
            NotifyTestResource.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private void stopProcess() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitReady(String url) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("forum-api exited with " + process.exitValue() + "; see target/*.log");
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("forum-api not ready within 90 s");
    }
}
