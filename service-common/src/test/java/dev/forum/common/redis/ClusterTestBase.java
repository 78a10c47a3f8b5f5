package dev.forum.common.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A fresh {@link LocalRedisCluster} per test class, with Vert.x and a cluster client as a service would hold. */
public abstract class ClusterTestBase {

    protected static LocalRedisCluster cluster;
    protected static Vertx vertx;
    protected static Redis client;

    @BeforeAll
    static void startCluster() {
        cluster = new LocalRedisCluster();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, cluster.options());
    }

    @AfterAll
    static void stopCluster() {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }
}
