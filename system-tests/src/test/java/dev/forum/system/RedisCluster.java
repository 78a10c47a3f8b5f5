package dev.forum.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster on loopback made of the harness's own {@link RedisServer}s (cluster mode, no persistence,
 * state files in a temporary directory): {@code masters} masters with {@code replicasPerMaster} replicas each,
 * joined by {@code redis-cli --cluster create}. Who is master of what is always read from the cluster
 * ({@code CLUSTER NODES}), never from start order: a failover changes it.
 *
 * <p>Started {@code behindProxies}, every node gets a {@link RedisProxy} and announces the proxy's port
 * ({@code cluster-announce-port}; the bus stays direct), so every client connection to every node, the
 * replicas' replication links included, passes a proxy that can make it silent ({@link #proxyOf}).
 */
public final class RedisCluster implements AutoCloseable {

    /** Redis Cluster's bus port is the node's port + 10000. */
    private static final int BUS_OFFSET = 10_000;
    /** A master silent this long is failing; its replica takes over about 1-2 s later. */
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final int masters;
    private final Path dir;
    private final List<RedisServer> nodes = new ArrayList<>();
    /** Node port to its proxy, when started behind proxies. */
    private final Map<Integer, RedisProxy> proxies = new HashMap<>();

    private RedisCluster(int masters, Path dir) {
        this.masters = masters;
        this.dir = dir;
    }

    /** Starts the nodes, joins them and returns once every node reports {@code cluster_state:ok}. */
    public static RedisCluster start(int masters, int replicasPerMaster, Path logDir, boolean behindProxies) {
        RedisCluster cluster;
        try {
            cluster = new RedisCluster(masters, Files.createTempDirectory("redis-cluster"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
                RedisServer node = new RedisServer(Ports.freeWithPartner(BUS_OFFSET), logDir)
                        .asClusterNode(cluster.dir, NODE_TIMEOUT).start();
                cluster.nodes.add(node);
                create.add("127.0.0.1:" + node.port());
            }
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
            String reply = cluster.nodes.get(0).command(create.toArray(String[]::new));
            if (!reply.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + reply);
            }
            cluster.awaitOk();
            if (behindProxies) {
                cluster.announceProxies();
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Every node's URL (its proxy's, if any), comma-separated: what a service in cluster mode is given as seed nodes. */
    public String seeds() {
        return String.join(",", nodes.stream().map(node -> "redis://127.0.0.1:" + announced(node)).toList());
    }

    /** The proxy in front of {@code node}; only when started behind proxies. */
    public RedisProxy proxyOf(RedisServer node) {
        RedisProxy proxy = proxies.get(node.port());
        if (proxy == null) {
            throw new IllegalStateException("cluster not started behind proxies");
        }
        return proxy;
    }

    private void announceProxies() {
        for (RedisServer node : nodes) {
            RedisProxy proxy = new RedisProxy(Ports.free(), node::port).start();
            proxies.put(node.port(), proxy);
            node.command("CONFIG", "SET", "cluster-announce-port", Integer.toString(proxy.port()),
                    "cluster-announce-bus-port", Integer.toString(node.port() + BUS_OFFSET));
        }
        // Gossip spreads the new addresses (and points the replicas' replication at the proxies).
        List<Integer> announced = nodes.stream().map(this::announced).sorted().toList();
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(100)).until(() -> liveNodes()
                .allMatch(node -> view(node).stream().map(Node::port).sorted().toList().equals(announced)));
        awaitOk();
    }

    /** The port the cluster tells clients for {@code node}: its proxy's, if any. */
    private int announced(RedisServer node) {
        RedisProxy proxy = proxies.get(node.port());
        return proxy != null ? proxy.port() : node.port();
    }

    /** The hash slot of a key or sharded channel (the part in {@code {...}} when there is one). */
    public int slotOf(String channel) {
        return (int) anyLiveNode().integer("CLUSTER", "KEYSLOT", channel);
    }

    /** The master that owns the channel's slot, as a live node sees it. */
    public RedisServer masterOf(String channel) {
        return masterOf(slotOf(channel), anyLiveNode());
    }

    /** The replica of {@code master}, as a live node sees it. */
    public RedisServer replicaOf(RedisServer master) {
        List<Node> view = view(anyLiveNode());
        String masterId = view.stream().filter(n -> n.port() == announced(master)).findFirst().orElseThrow().id();
        return view.stream().filter(n -> masterId.equals(n.masterId())).findFirst().map(n -> node(n.port()))
                .orElseThrow(() -> new IllegalStateException("no replica of " + master.port()));
    }

    /**
     * SIGKILLs the master that owns the channel's slot and waits until its replica has taken the slot over in
     * every live node's view and the cluster is ok again. Returns the new master.
     */
    public RedisServer killMasterOf(String channel) {
        int slot = slotOf(channel);
        RedisServer master = masterOf(slot, anyLiveNode());
        RedisServer replica = replicaOf(master);
        master.kill();
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(100)).until(() -> liveNodes()
                .allMatch(node -> masterOf(slot, node) == replica && clusterOk(node)));
        return replica;
    }

    /** Waits until every live node says {@code cluster_state:ok}, sees {@code masters} masters serving
     * slots, and every live replica's link to its master is up (else it could not take over). */
    public void awaitOk() {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(100)).until(() -> liveNodes().allMatch(this::settled));
    }

    @Override
    public void close() {
        proxies.values().forEach(RedisProxy::close);
        nodes.forEach(RedisServer::stop);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean settled(RedisServer node) {
        List<Node> view = view(node);
        long serving = view.stream().filter(n -> n.flags().contains("master") && !n.flags().contains("fail")
                && !n.slots().isEmpty()).count();
        Node self = view.stream().filter(n -> n.flags().contains("myself")).findFirst().orElseThrow();
        boolean linked = self.flags().contains("master")
                || node.command("INFO", "replication").contains("master_link_status:up");
        return clusterOk(node) && serving == masters && linked;
    }

    private static boolean clusterOk(RedisServer node) {
        return node.command("CLUSTER", "INFO").contains("cluster_state:ok");
    }

    private RedisServer masterOf(int slot, RedisServer viewer) {
        return view(viewer).stream()
                .filter(n -> n.flags().contains("master") && !n.flags().contains("fail") && n.owns(slot))
                .findFirst().map(n -> node(n.port())).orElse(null);
    }

    private Stream<RedisServer> liveNodes() {
        return nodes.stream().filter(RedisServer::isAlive);
    }

    private RedisServer anyLiveNode() {
        return liveNodes().findFirst().orElseThrow(() -> new IllegalStateException("no live cluster node"));
    }

    /** The node a port of {@code CLUSTER NODES} names (a proxy's port: the node behind it). */
    private RedisServer node(int announcedPort) {
        return nodes.stream().filter(n -> announced(n) == announcedPort).findFirst().orElseThrow();
    }

    private static List<Node> view(RedisServer viewer) {
        return viewer.command("CLUSTER", "NODES").lines().filter(line -> !line.isBlank()).map(Node::parse).toList();
    }

    /**
     * One line of {@code CLUSTER NODES}: {@code <id> <ip:port@bus> <flags> <master-id|-> <ping> <pong>
     * <epoch> <link> <slot ranges...>}.
     */
    private record Node(String id, int port, String flags, String masterId, List<int[]> slots) {

        static Node parse(String line) {
            String[] fields = line.trim().split(" ");
            String address = fields[1];
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < fields.length; i++) {
                if (fields[i].startsWith("[")) {
                    continue; // a slot being migrated: not served here yet
                }
                String[] range = fields[i].split("-");
                int first = Integer.parseInt(range[0]);
                slots.add(new int[] {first, range.length == 2 ? Integer.parseInt(range[1]) : first});
            }
            return new Node(fields[0], port, fields[2], fields[3], slots);
        }

        boolean owns(int slot) {
            return slots.stream().anyMatch(range -> slot >= range[0] && slot <= range[1]);
        }
    }
}
