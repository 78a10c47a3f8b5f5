package dev.forum.api;

import dev.forum.common.redis.LocalRedisCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.vertx.redis.client.RedisOptions;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** forum-api on a real Redis Cluster (3 masters, 3 replicas on loopback) in cluster mode. */
public class ClusterRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Cluster.class));
    }

    /** Starts the cluster before forum-api boots and gives it every node as a seed. */
    public static class Cluster implements QuarkusTestResourceLifecycleManager {

        private static volatile LocalRedisCluster cluster;

        /** How a test reaches the cluster (every node as a seed, client type CLUSTER). */
        public static RedisOptions options() {
            return cluster.options();
        }

        @Override
        public Map<String, String> start() {
            cluster = new LocalRedisCluster();
            return Map.of("quarkus.redis.hosts", cluster.ports().stream().map(port -> "redis://127.0.0.1:" + port)
                    .collect(Collectors.joining(",")), "forum.redis.mode", "cluster");
        }

        @Override
        public void stop() {
            cluster.close();
        }
    }
}
