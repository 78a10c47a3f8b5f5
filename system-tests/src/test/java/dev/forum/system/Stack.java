package dev.forum.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The whole platform as real processes: its own PostgreSQL database(s), its own {@code redis-server}
 * on a free port, forum-api, N realtime-gateway replicas and (optionally, when its jar exists) the
 * notification-service, all on free ports with a random Redis namespace and internal token. Each
 * component can be stopped, killed (SIGKILL) and restarted on its own. {@link #close()} stops
 * everything and drops only the databases it created.
 *
 * <pre>
 * try (Stack stack = Stack.builder().gateways(2).start()) {
 *     stack.gateway(0).wsUri("/api/forum/ws/v2");
 *     stack.redis().stop(); ... stack.redis().start();
 *     stack.gateway(1).kill();
 * }
 * </pre>
 */
public final class Stack implements AutoCloseable {

    public static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String namespace = "st" + id;
    private final String internalToken = "it-" + UUID.randomUUID();
    private final String database = "forum_system_t_" + id;
    private final String notifyDatabase = "forum_notify_system_t_" + id;
    private final Path root;
    private final Path logDir;
    private final RedisServer redis;
    /** With {@link Builder#redisCluster()}: the services' Redis instead of {@link #redis}, which then never starts. */
    private final RedisCluster redisCluster;
    private final RedisProxy gatewayRedisProxy;
    private final ServiceProcess forumApi;
    private final ServiceProcess feedForumApi;
    private final List<ServiceProcess> gateways = new ArrayList<>();
    private final ServiceProcess notificationService;
    private boolean databasesCreated;

    private Stack(Builder builder) {
        root = projectRoot();
        logDir = root.resolve("system-tests/target/system-logs/" + id);
        redis = new RedisServer(Ports.free(), logDir);
        redisCluster = builder.redisCluster ? RedisCluster.start(3, 1, logDir, builder.redisClusterBehindProxies) : null;
        if (builder.redisAcl) {
            redis.withAcl(root.resolve("scripts/redis-users.acl.template"), namespace);
        }
        gatewayRedisProxy = builder.gatewaysViaRedisProxy ? new RedisProxy(Ports.free(), redis::port) : null;
        String gatewayRedisUrl = gatewayRedisProxy != null ? gatewayRedisProxy.url() : redisUrl(RedisServer.GATEWAY);
        forumApi = forumApiProcess("forum-api", builder);
        // A second replica on the same database and Redis; it starts after the first, which therefore
        // holds the relay's leader lock, so killing this one never stops publishing.
        feedForumApi = builder.secondForumApiForGateways ? forumApiProcess("forum-api-2", builder) : null;
        String gatewayForumApiUrl = (feedForumApi != null ? feedForumApi : forumApi).httpUrl();
        for (int i = 0; i < builder.gateways; i++) {
            ServiceProcess gateway = new ServiceProcess("realtime-gateway-" + (i + 1), jar("realtime-gateway"),
                    Ports.free(), logDir)
                    .env("FORUM_INTERNAL_TOKEN", internalToken)
                    .property("gateway.forum-api.url", gatewayForumApiUrl)
                    .property("gateway.forum-api.internal-token", internalToken)
                    .property("quarkus.redis.hosts", redisUrl(RedisServer.GATEWAY))
                    .property("gateway.redis.url", gatewayRedisUrl)
                    .property("gateway.redis.namespace", namespace)
                    .property("gateway.redis.reconnect-delay", "500ms")
                    .property("gateway.feed.poll-interval", "250ms");
            clusterMode(gateway, "gateway.redis.mode");
            builder.gatewayProperties.forEach(gateway::property);
            gateways.add(gateway);
        }
        Path notifyJar = jar("notification-service");
        if (builder.notificationService && Files.isRegularFile(notifyJar)) {
            notificationService = new ServiceProcess("notification-service", notifyJar, Ports.free(), logDir)
                    .env("FORUM_INTERNAL_TOKEN", internalToken)
                    .env("NOTIFY_FORUM_API_URL", forumApi.httpUrl())
                    .env("NOTIFY_DB_URL", Postgres.jdbcUrl(notifyDatabase))
                    .env("NOTIFY_REDIS_URL", redisUrl(RedisServer.NOTIFICATION_SERVICE))
                    .env("NOTIFY_REDIS_NAMESPACE", namespace)
                    .property("quarkus.datasource.jdbc.url", Postgres.jdbcUrl(notifyDatabase))
                    .property("quarkus.datasource.username", Postgres.USER)
                    .property("quarkus.redis.hosts", redisUrl(RedisServer.NOTIFICATION_SERVICE))
                    .property("quarkus.rest-client.forum-api.url", forumApi.httpUrl())
                    .property("notify.redis.namespace", namespace)
                    .property("notify.internal-token", internalToken)
                    .property("notify.consumer.poll-interval", "1s")
                    // shortened as forum-api's
                    .property("notify.warmup.iterations", "5")
                    .property("notify.warmup.time-budget", "10s");
            clusterMode(notificationService, "notify.redis.mode");
            builder.notifyProperties.forEach(notificationService::property);
        } else {
            notificationService = null;
        }
    }

    private ServiceProcess forumApiProcess(String name, Builder builder) {
        ServiceProcess process = new ServiceProcess(name, jar("forum-api"), Ports.free(), logDir)
                .env("FORUM_INTERNAL_TOKEN", internalToken)
                .env("FORUM_DB_URL", Postgres.jdbcUrl(database))
                .env("FORUM_REDIS_URL", redisUrl(RedisServer.FORUM_API))
                .env("FORUM_REDIS_NAMESPACE", namespace)
                .property("quarkus.datasource.jdbc.url", Postgres.jdbcUrl(database))
                .property("quarkus.datasource.username", Postgres.USER)
                .property("quarkus.redis.hosts", redisUrl(RedisServer.FORUM_API))
                .property("forum.redis.namespace", namespace)
                .property("forum.internal.token", internalToken)
                .property("forum.rate-limit.posts", "100000")
                .property("forum.rate-limit.reactions", "100000")
                .property("forum.rate-limit.login.per-account", "100000")
                .property("forum.rate-limit.login.per-address", "100000")
                .property("forum.rate-limit.login.registers-per-address", "100000")
                .property("forum.auth.bcrypt-cost", "4")
                .property("forum.demo-data.enabled", "true")
                // The warm-up runs (it is on the path of every start), shortened: these tests check behaviour, not the
                // cold minute, and each of the suite's many starts would otherwise wait for all of it (and must stay
                // within READY_TIMEOUT when busy).
                .property("forum.warmup.iterations", "100")
                .property("forum.warmup.time-budget", "20s");
        clusterMode(process, "forum.redis.mode");
        builder.forumApiProperties.forEach(process::property);
        return process;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Creates the databases, starts Redis, forum-api, the gateways and (if present) notification-service. */
    private Stack start() {
        try {
            Postgres.createDatabase(database);
            if (notificationService != null) {
                Postgres.createDatabase(notifyDatabase);
            }
            databasesCreated = true;
            if (redisCluster == null) {
                redis.start();
            }
            if (gatewayRedisProxy != null) {
                gatewayRedisProxy.start();
            }
            forumApi.start().awaitReady(READY_TIMEOUT);
            if (feedForumApi != null) {
                feedForumApi.start().awaitReady(READY_TIMEOUT);
            }
            gateways.forEach(ServiceProcess::start);
            if (notificationService != null) {
                notificationService.start();
            }
            gateways.forEach(gateway -> gateway.awaitReady(READY_TIMEOUT));
            if (notificationService != null) {
                notificationService.awaitReady(READY_TIMEOUT);
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public RedisServer redis() {
        if (redisCluster != null) {
            throw new IllegalStateException("stack built with redisCluster(): use redisCluster()");
        }
        return redis;
    }

    /** The services' Redis Cluster; only with {@link Builder#redisCluster()}. */
    public RedisCluster redisCluster() {
        if (redisCluster == null) {
            throw new IllegalStateException("stack built without redisCluster()");
        }
        return redisCluster;
    }

    /** The Redis URL a service connects with: its user's on the single Redis, or every cluster node as seeds. */
    private String redisUrl(String user) {
        return redisCluster != null ? redisCluster.seeds() : redis.url(user);
    }

    /** On a Redis Cluster, the service's {@code <prefix>.redis.mode} is {@code cluster} (else its default, single). */
    private void clusterMode(ServiceProcess service, String modeProperty) {
        if (redisCluster != null) {
            service.property(modeProperty, "cluster");
        }
    }

    /** The TCP proxy between the gateways and Redis; only with {@link Builder#gatewaysViaRedisProxy()}. */
    public RedisProxy gatewayRedisProxy() {
        if (gatewayRedisProxy == null) {
            throw new IllegalStateException("stack built without gatewaysViaRedisProxy()");
        }
        return gatewayRedisProxy;
    }

    public ServiceProcess forumApi() {
        return forumApi;
    }

    /** The forum-api replica the gateways read from: the second replica if the builder asked for one. */
    public ServiceProcess gatewaysForumApi() {
        return feedForumApi != null ? feedForumApi : forumApi;
    }

    public ServiceProcess gateway(int index) {
        return gateways.get(index);
    }

    public List<ServiceProcess> gateways() {
        return List.copyOf(gateways);
    }

    public Optional<ServiceProcess> notificationService() {
        return Optional.ofNullable(notificationService);
    }

    public String namespace() {
        return namespace;
    }

    public String internalToken() {
        return internalToken;
    }

    public String database() {
        return database;
    }

    /** A client of this stack's forum-api. */
    public ForumHttp http() {
        return new ForumHttp(forumApi.httpUrl(), internalToken);
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        List<ServiceProcess> clients = new ArrayList<>(gateways);
        if (notificationService != null) {
            clients.add(notificationService);
        }
        clients.parallelStream().forEach(ServiceProcess::stop);
        if (feedForumApi != null) {
            feedForumApi.stop();
        }
        forumApi.stop();
        if (gatewayRedisProxy != null) {
            gatewayRedisProxy.close();
        }
        if (redisCluster != null) {
            redisCluster.close();
        } else {
            redis.stop();
        }
        if (databasesCreated) {
            Postgres.dropDatabase(database);
            if (notificationService != null) {
                Postgres.dropDatabase(notifyDatabase);
            }
        }
    }

    private Path jar(String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The repository root (the directory holding realtime-gateway/). */
    public static Path projectRoot() {
        String configured = System.getProperty("forum.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "realtime-gateway"))) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("realtime-gateway"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root from " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** What differs between stacks: replica count, extra -D properties, notification-service on/off. */
    public static final class Builder {
        private int gateways = 2;
        private boolean notificationService;
        private boolean secondForumApiForGateways;
        private boolean gatewaysViaRedisProxy;
        private boolean redisAcl;
        private boolean redisCluster;
        private boolean redisClusterBehindProxies;
        private final Map<String, String> forumApiProperties = new LinkedHashMap<>();
        private final Map<String, String> gatewayProperties = new LinkedHashMap<>();
        private final Map<String, String> notifyProperties = new LinkedHashMap<>();

        public Builder gateways(int count) {
            this.gateways = count;
            return this;
        }

        /** Starts notification-service too, if its packaged jar exists. */
        public Builder withNotificationService() {
            this.notificationService = true;
            return this;
        }

        /**
         * Starts a second forum-api replica (same database and Redis, not the relay leader) and points
         * the gateways at it, so their feed can be killed while events keep being published.
         */
        public Builder secondForumApiForGateways() {
            this.secondForumApiForGateways = true;
            return this;
        }

        /**
         * Connects the gateways (only them) to Redis through a {@link RedisProxy}, so their connections
         * can be made silent without closing them.
         */
        public Builder gatewaysViaRedisProxy() {
            this.gatewaysViaRedisProxy = true;
            return this;
        }

        /** Runs Redis with the project's ACL users (scripts/redis-users.acl.template); each service connects as its own. */
        public Builder redisAcl() {
            this.redisAcl = true;
            return this;
        }

        /**
         * Runs the services on a Redis Cluster of 3 masters and 3 replicas ({@link RedisCluster}) in cluster mode
         * (sharded pub/sub, seed nodes in their Redis URLs) instead of one {@code redis-server}.
         */
        public Builder redisCluster() {
            this.redisCluster = true;
            return this;
        }

        /** {@link #redisCluster()} with a {@link RedisProxy} in front of every node ({@link RedisCluster#proxyOf}). */
        public Builder redisClusterBehindProxies() {
            this.redisCluster = true;
            this.redisClusterBehindProxies = true;
            return this;
        }

        public Builder forumApiProperty(String key, String value) {
            forumApiProperties.put(key, value);
            return this;
        }

        public Builder gatewayProperty(String key, String value) {
            gatewayProperties.put(key, value);
            return this;
        }

        public Builder notifyProperty(String key, String value) {
            notifyProperties.put(key, value);
            return this;
        }

        public Stack start() {
            return new Stack(this).start();
        }
    }
}
