package dev.forum.common.redis;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The smallest Redis Cluster these tests need: 3 masters and 3 replicas from the machine's {@code redis-server}
 * on loopback, no persistence. The full harness (which node owns what, failover waits) is system-tests'
 * {@code RedisCluster}; module tests may not use it, so here the tests ask the nodes themselves. Services'
 * tests get this class from service-common's test-jar.
 */
public final class LocalRedisCluster implements AutoCloseable {

    /** A node's cluster bus listens on its port + 10000: by default both stay below the ephemeral range. */
    private static final int BUS_OFFSET = 10_000;
    private static final String PORTS = System.getProperty("system.ports", "20000-22767");

    private final Path dir;
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();

    public LocalRedisCluster() {
        try {
            dir = Files.createTempDirectory("redis-cluster-test");
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            for (int i = 0; i < 6; i++) {
                int port = freePort();
                nodes.put(port, new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
                        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                        "--cluster-node-timeout", "1000", "--repl-diskless-sync-delay", "0")
                        .redirectErrorStream(true).redirectOutput(dir.resolve(port + ".log").toFile()).start());
                create.add("127.0.0.1:" + port);
            }
            for (int port : nodes.keySet()) {
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> cli(port, "PING").equals("PONG"));
            }
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            cli(ports().get(0), create.toArray(String[]::new));
            await().atMost(Duration.ofSeconds(30)).until(() -> ports().stream().allMatch(this::ready)
                    && ports().stream().filter(port -> cli(port, "ROLE").startsWith("master")).count() == 3);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /** The live nodes' ports. */
    public List<Integer> ports() {
        return nodes.entrySet().stream().filter(node -> node.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    /** How a service would reach the cluster: every node as a seed, client type CLUSTER. */
    public RedisOptions options() {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
        nodes.keySet().forEach(port -> options.addConnectionString("redis://127.0.0.1:" + port));
        return options;
    }

    /** The port of a master's replica, from the master's {@code ROLE} (master, offset, ip, port, offset). */
    public int replicaOf(int master) {
        return Integer.parseInt(cli(master, "ROLE").lines().toList().get(3));
    }

    public void kill(int port) throws InterruptedException {
        nodes.get(port).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** One command through {@code redis-cli}, its raw reply. */
    public String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            String reply = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            cli.waitFor(10, TimeUnit.SECONDS);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every node as a seed, comma-separated: the value of a service's {@code *_REDIS_URL} in cluster mode. */
    public String urls() {
        return String.join(",", nodes.keySet().stream().map(port -> "redis://127.0.0.1:" + port).toList());
    }

    @Override
    public void close() {
        for (Process node : nodes.values()) {
            node.destroy();
        }
        for (Process node : nodes.values()) {
            try {
                node.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cluster ok, and a replica synced with its master (else it could not take over). */
    private boolean ready(int port) {
        String replication = cli(port, "INFO", "replication");
        return cli(port, "CLUSTER", "INFO").contains("cluster_state:ok")
                && (replication.contains("role:master") || replication.contains("master_link_status:up"));
    }

    private int freePort() {
        while (true) {
            int first = Integer.parseInt(PORTS.substring(0, PORTS.indexOf('-')));
            int port = ThreadLocalRandom.current().nextInt(first, Integer.parseInt(PORTS.substring(PORTS.indexOf('-') + 1)) + 1);
            if (!nodes.containsKey(port) && bindable(port) && bindable(port + BUS_OFFSET)) {
                return port;
            }
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
