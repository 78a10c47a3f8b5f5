package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.common.leader.PartitionLocks;
import dev.forum.contract.Channels;
import dev.forum.contract.EventShards;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * Publishes committed outbox rows to Redis, in order per shard, giving each its {@code seq} in its shard's stream.
 *
 * <h2>Relay partitions over the replicas</h2>
 * The shards (-1..N-1, {@link EventShards}) are grouped into P partitions, shard {@code s} in partition
 * {@code floorMod(s, P)} ({@code forum.relay.partitions}). Every replica runs this bean; a partition is relayed by
 * the replica that holds its lock ({@link PartitionLocks}: advisory locks {@code (PARTITION_LOCK_KEY, p)} on one
 * dedicated JDBC session per replica). Every {@code forum.relay.rebalance-interval} each replica checks that session
 * and moves its share towards {@code ceil(P / replicas)}: it finishes and gives up its surplus partitions and takes
 * free ones. So the partitions spread fairly over the replicas, and when a replica dies (its session ends, PostgreSQL
 * releases its locks) the others take its partitions at their next tick. A replica that stops gives its partitions
 * up after their running step. Write throughput grows with replicas: each numbers and publishes only its shards.
 *
 * <p>Every commit that wrote outbox rows wakes the owners of its shards without polling ({@link OutboxWakeup}): in
 * process when this replica owns the shard's partition ({@link #wakeOwned}), else by a NOTIFY on
 * {@link OutboxWriter#NOTIFY_CHANNEL} carrying the shard, which every relay's lock session LISTENs on. The owner drains
 * its partitions on one drain thread, all woken shards of all of them in one step ({@link #drain()}). {@link #sweep()}
 * is the safety net: it retries a failed publish and records publishing progress when no drain does (a drain under
 * load records it at most once per {@link #MARK_INTERVAL_MILLIS}), and once per {@link #SAFETY_DRAIN_MILLIS} drains
 * every owned partition and adopts rows written without a shard ({@link ShardEpochs}); at rest it touches the
 * database only for that.
 *
 * <h2>Seq and publishing</h2>
 * {@link OutboxNumbering} gives committed rows a gap-free {@code seq} per shard (its comment says why the sequence has
 * no gaps and every row gets exactly one, even while two replicas both think they own a partition);
 * {@link OutboxPublisher} publishes them to Redis, pipelined, in seq order per shard. This class keeps the
 * partitions, wakes a drain for every commit and keeps progress ({@code published_seq} per shard) moving. A writer's
 * transaction numbers its own shards' rows before its commit when that is free ({@link #numberBeforeCommit}); the
 * drain thread then publishes them without a numbering step of its own ({@link #handOver}), first, before any step.
 */
@ApplicationScoped
public class OutboxRelay {

    /** First half of the partition locks' keys: "rlay"; the partition (or -1, membership) is the second half. */
    static final int PARTITION_LOCK_KEY = 0x726c6179;
    private static final long RECONNECT_MILLIS = 1000;
    private static final int LISTEN_WAIT_MILLIS = 500;
    private static final long SAFETY_DRAIN_MILLIS = 30_000;
    /**
     * How often a drain under continuous load records publishing progress ({@code published_seq}); at rest the sweep
     * records it. Only a crash or a lost lock session republishes what was published since (consumers deduplicate).
     */
    private static final long MARK_INTERVAL_MILLIS = 1000;

    private final OutboxNumbering numbering;
    private final OutboxPublisher publisher;
    private final ShardEpochs epochs;
    private final Channels channels;
    private final int partitionCount;
    private final long rebalanceMillis;
    private final int batchSize;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final Optional<String> jdbcPassword;

    private final Counter numberedByWriters;

    private volatile boolean running;
    private volatile ShardEpochs.Epoch epoch;
    private volatile PartitionLocks locks;
    private volatile Partition[] partitions = new Partition[0];
    private volatile long lastSafetyDrainMillis;
    /** Only the drain thread reads and writes it. */
    private long lastMarkMillis;
    private final AtomicBoolean drainRequested = new AtomicBoolean();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private ExecutorService drains;
    private Thread loop;

    public OutboxRelay(AgroalDataSource dataSource, OutboxRows rows, RedisDataSource redis, ShardEpochs epochs,
                       ForumConfig config, MeterRegistry registry,
                       @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                       @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
        this.channels = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT);
        this.numbering = new OutboxNumbering(dataSource, rows, config.outbox().batchSize());
        this.publisher = new OutboxPublisher(redis.getReactive().getRedis(), channels, config.redis().mode(), registry);
        this.epochs = epochs;
        this.partitionCount = config.relay().partitions();
        this.rebalanceMillis = config.relay().rebalanceInterval().toMillis();
        this.batchSize = config.outbox().batchSize();
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
        this.numberedByWriters = Counter.builder("forum.outbox.numbered.by.writers")
                .description("Outbox events numbered by their writer's own transaction, handed to this relay")
                .register(registry);
        Gauge.builder("forum.outbox.relay.partitions", this, r -> r.ownedPartitions().size())
                .description("Relay partitions this replica owns (numbers and publishes)").register(registry);
        Gauge.builder("forum.outbox.relay.leader", this, r -> r.isRelaying() ? 1 : 0)
                .description("1 on a replica that owns at least one relay partition").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        locks = new PartitionLocks("outbox relay", PARTITION_LOCK_KEY, partitionCount,
                ThreadLocalRandom.current().nextInt(partitionCount),
                () -> DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword.orElse("")));
        drains = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbox-relay-drain");
            thread.setDaemon(true);
            return thread;
        });
        loop = new Thread(this::listenLoop, "outbox-relay");
        loop.setDaemon(true);
        loop.start();
    }

    /** Stops relaying on this replica: each partition's running step completes, progress is recorded, locks go. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Partition partition : partitions) {
            partition.stop();
        }
        locks.close();
        drains.shutdown();
        Log.info("Outbox relay stopped (running steps finished, partitions released)");
    }

    /** The partitions this replica owns now. */
    public List<Integer> ownedPartitions() {
        PartitionLocks current = locks;
        return current == null || !running ? List.of() : current.owned();
    }

    public boolean isRelaying() {
        return !ownedPartitions().isEmpty();
    }

    public int partitionCount() {
        return partitionCount;
    }

    /** The epoch this replica numbers in (null before its first start-up step). */
    public ShardEpochs.Epoch epoch() {
        return epoch;
    }

    public boolean isLastPublishOk() {
        return publisher.isLastPublishOk();
    }

    public Channels channels() {
        return channels;
    }

    /** The backend pid of this replica's lock session (tests end it, as a crash would). */
    int lockSessionPid() throws SQLException {
        try (Statement st = locks.connection().createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    // Not before the application runs: a sweep on the scheduler thread would construct this bean (and its Redis
    // client) while Quarkus still creates the Redis clients on the main thread, and that registry is not safe for
    // concurrent creation (seen as a ConcurrentModificationException at startup).
    @Scheduled(every = "${forum.outbox.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        if (!running || !isRelaying()) {
            return;
        }
        boolean safety = System.currentTimeMillis() - lastSafetyDrainMillis >= SAFETY_DRAIN_MILLIS;
        if (safety) {
            lastSafetyDrainMillis = System.currentTimeMillis();
            adoptUnsharded();
        }
        boolean drain = false;
        for (Partition partition : partitions) {
            if (locks.owns(partition.index) && (safety || partition.retryPending)) {
                partition.allDirty.set(true);
                drain = true;
            }
        }
        if (drain) {
            requestDrain();
        } else {
            markPublishedIfIdle();
        }
    }

    private void listenLoop() {
        Connection listening = null;
        long nextRebalance = 0;
        while (running) {
            try {
                if (epoch == null) {
                    epoch = epochs.open();
                    partitions = partitionsOf(epoch);
                    Log.infof("Outbox relay: epoch %d, %d shards in %d partitions (namespace %s)", epoch.epoch(),
                            epoch.shardCount(), partitionCount, channels.namespace());
                }
                Connection session = locks.connection();
                if (session != listening) {
                    try (Statement st = session.createStatement()) {
                        st.execute("LISTEN " + OutboxWriter.NOTIFY_CHANNEL);
                    }
                    listening = session;
                }
                if (System.currentTimeMillis() >= nextRebalance) {
                    PartitionLocks.Change change = locks.rebalance(p -> partitions[p].stop());
                    for (int p : change.taken()) {
                        partitions[p].start();
                    }
                    nextRebalance = System.currentTimeMillis() + rebalanceMillis;
                }
                int wait = (int) Math.max(1, Math.min(LISTEN_WAIT_MILLIS, nextRebalance - System.currentTimeMillis()));
                PGNotification[] notifications = session.unwrap(PGConnection.class).getNotifications(wait);
                if (notifications != null) {
                    wake(notifications);
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    Log.warnf("Outbox relay lost its lock session, its partitions go to the others: %s",
                            e.getMessage());
                }
                listening = null;
                locks.drop();
                pause(RECONNECT_MILLIS);
            }
        }
    }

    /**
     * Outbox rows of {@code shards} were committed: marks those whose partition this replica owns and has its drain
     * thread (not the caller's) drain them, all in one step; returns the others, whose owners must be notified.
     * (Should a partition have just been lost, draining here is still safe: numbering is serialised by the shard's
     * state row lock, see {@link OutboxNumbering}.)
     */
    public List<Integer> wakeOwned(Collection<Integer> shards) {
        List<Integer> others = new ArrayList<>();
        for (int shard : shards) {
            if (!markIfOwner(shard)) {
                others.add(shard);
            }
        }
        if (others.size() < shards.size()) {
            requestDrain();
        }
        return others;
    }

    private boolean markIfOwner(int shard) {
        Partition partition = ownerHere(shard);
        if (partition == null) {
            return false;
        }
        partition.dirty.add(shard);
        return true;
    }

    /** The shard's partition when this replica relays it now, else null. */
    private Partition ownerHere(int shard) {
        Partition[] current = partitions;
        if (!running || current.length == 0) {
            return null;
        }
        Partition partition = current[Math.floorMod(shard, partitionCount)];
        return locks.owns(partition.index) ? partition : null;
    }

    /**
     * In a writer's transaction, just before its commit: numbers the rows of the {@code written} shards this
     * replica relays, those whose state rows are free ({@link OutboxNumbering#numberBeforeCommit}). The rows of the
     * other shards stay unnumbered, for their owner's drain.
     */
    OutboxNumbering.Step numberBeforeCommit(Collection<Integer> written) {
        ShardEpochs.Epoch current = epoch;
        int[] owned = written.stream().filter(shard -> ownerHere(shard) != null).mapToInt(Integer::intValue)
                .sorted().toArray();
        if (current == null || owned.length == 0) {
            return OutboxNumbering.NOTHING;
        }
        return numbering.numberBeforeCommit(current.epoch(), owned);
    }

    /**
     * After the commit of a writer that numbered {@code numbered} ({@link #numberBeforeCommit}): has the drain
     * thread publish them, each shard's rows if they continue what it published of that shard, else from the
     * database as backlog ({@link Partition#takeHanded}). Returns the shards it took, which need no other wake-up;
     * a shard whose partition this replica lost meanwhile is not taken (its new owner is to be woken).
     */
    Set<Integer> handOver(List<OutboxRows.Publishable> numbered) {
        Map<Integer, List<OutboxRows.Publishable>> byShard = new HashMap<>();
        numbered.forEach(event -> byShard.computeIfAbsent(event.shard(), s -> new ArrayList<>()).add(event));
        Set<Integer> taken = new TreeSet<>();
        byShard.forEach((shard, events) -> {
            Partition partition = ownerHere(shard);
            if (partition != null) {
                partition.handed.add(events);
                taken.add(shard);
            }
        });
        numberedByWriters.increment(numbered.size());
        if (!taken.isEmpty()) {
            requestDrain();
        }
        return taken;
    }

    /** NOTIFYs from other replicas' commits: their shards (no shard: every owned partition). */
    private void wake(PGNotification[] notifications) {
        for (PGNotification notification : notifications) {
            try {
                markIfOwner(Integer.parseInt(notification.getParameter()));
            } catch (NumberFormatException e) {
                for (Partition partition : partitions) {
                    if (locks.owns(partition.index)) {
                        partition.allDirty.set(true);
                    }
                }
            }
        }
        requestDrain();
    }

    /** Has the drain thread go round the owned partitions soon (once more if it is running now). */
    private void requestDrain() {
        drainRequested.set(true);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                drains.execute(this::drain);
            } catch (RuntimeException rejected) {
                drainScheduled.set(false);
            }
        }
    }

    /**
     * Runs on the drain thread (one, so drains never overlap): while wake-ups keep coming, drains every owned
     * partition with something to do, together: one numbering step (one transaction, one statement) numbers the
     * woken shards of all of them, and one pipeline publishes the result. Per partition a step cost a transaction
     * and its commit for the one or two shards a partition usually has woken (docs/benchmarks.md, "One numbering
     * step for all woken shards"). A partition whose lock is held (it is being stopped, or its progress recorded)
     * keeps its marks for the next round.
     */
    private void drain() {
        drainScheduled.set(false);
        while (running && drainRequested.getAndSet(false)) {
            drainOwned();
        }
    }

    private void drainOwned() {
        List<Partition> taken = new ArrayList<>();
        boolean markDue = markDue();
        try {
            Set<Integer> shards = new TreeSet<>();
            List<OutboxRows.Publishable> handed = new ArrayList<>();
            for (Partition partition : partitions) {
                if (partition.shards.length == 0 || !locks.owns(partition.index)) {
                    continue;
                }
                if (!partition.drainLock.tryLock()) {
                    continue;
                }
                int before = shards.size() + handed.size();
                handed.addAll(partition.takeHanded(shards));
                IntStream.of(partition.dirtyShards(markDue)).forEach(shards::add);
                if (shards.size() + handed.size() == before) {
                    partition.drainLock.unlock();
                } else {
                    taken.add(partition);
                }
            }
            // First what writers numbered themselves: a publish, no transaction.
            if (!handed.isEmpty() && !publish(taken, handed)) {
                return;
            }
            boolean more = !taken.isEmpty() && !shards.isEmpty();
            while (more && running) {
                // A partition lost meanwhile is left to its new owner (numbering it would still be safe).
                if (taken.removeIf(partition -> !locks.owns(partition.index) && unlock(partition))) {
                    shards.removeIf(shard -> !locks.owns(partitionOf(shard).index));
                }
                more = !taken.isEmpty() && !shards.isEmpty()
                        && drainStep(taken, shards.stream().mapToInt(Integer::intValue).toArray());
            }
        } catch (SQLException | RuntimeException e) {
            for (Partition partition : taken) {
                partition.allDirty.set(true);
                partition.retryPending = true;
            }
            Log.warnf("Outbox drain of partitions %s failed, will retry: %s",
                    taken.stream().map(p -> p.index).toList(), e.getMessage());
        } finally {
            taken.forEach(Partition::unlock);
        }
    }

    /**
     * One numbering step over the taken partitions' {@code shards}, then their publish; true when more waits. Their
     * progress is recorded in the same transaction when {@link #MARK_INTERVAL_MILLIS} has passed since the last time.
     */
    private boolean drainStep(List<Partition> taken, int[] shards) throws SQLException {
        Map<Integer, Long> publishedUpTo = new HashMap<>();
        Map<Integer, Long> marking = new HashMap<>();
        boolean mark = markDue();
        for (Partition partition : taken) {
            publishedUpTo.putAll(partition.publishedUpTo);
            if (mark) {
                marking.putAll(partition.unmarked());
            }
        }
        marking.keySet().retainAll(IntStream.of(shards).boxed().toList());
        OutboxNumbering.Step step = numbering.next(epoch.epoch(), shards, publishedUpTo, marking);
        if (mark) {
            lastMarkMillis = System.currentTimeMillis();
        }
        marking.forEach((shard, seq) -> partitionOf(shard).markedUpTo.put(shard, seq));
        return publish(taken, step.toPublish()) && step.more();
    }

    /**
     * Publishes a batch of the taken partitions (per shard in seq order) and moves their published positions; true
     * when all of it was published, else they are retried from the database (as backlog) by the sweep.
     */
    private boolean publish(List<Partition> taken, List<OutboxRows.Publishable> batch) {
        Map<Integer, Long> done = publisher.publish(batch);
        done.forEach((shard, seq) -> partitionOf(shard).publishedUpTo.merge(shard, seq, Math::max));
        boolean ok = batch.stream().allMatch(event -> done.containsKey(event.shard()));
        for (Partition partition : taken) {
            partition.retryPending = !ok;
            if (!ok) {
                partition.allDirty.set(true);
            }
        }
        return ok;
    }

    /**
     * From the sweep, when no drain runs: records the progress of the owned partitions that published more than they
     * recorded, in one statement; drains once more for marks that came meanwhile.
     */
    private void markPublishedIfIdle() {
        List<Partition> held = new ArrayList<>();
        List<Partition> taken = new ArrayList<>();
        try {
            Map<Integer, Long> marking = new HashMap<>();
            for (Partition partition : partitions) {
                if (!locks.owns(partition.index) || !partition.drainLock.tryLock()) {
                    continue;
                }
                held.add(partition);
                Map<Integer, Long> unmarked = partition.unmarked();
                if (unmarked.isEmpty()) {
                    partition.unlock();
                } else {
                    taken.add(partition);
                    marking.putAll(unmarked);
                }
            }
            if (!marking.isEmpty() && numbering.markPublished(epoch.epoch(), marking)) {
                marking.forEach((shard, seq) -> partitionOf(shard).markedUpTo.put(shard, seq));
            }
        } finally {
            taken.forEach(Partition::unlock);
        }
        // A wake-up whose drain found a partition's lock taken here left its marks: drain for them now.
        if (held.stream().anyMatch(partition -> partition.allDirty.get() || !partition.dirty.isEmpty()
                || !partition.handed.isEmpty())) {
            requestDrain();
        }
    }

    private boolean markDue() {
        return System.currentTimeMillis() - lastMarkMillis >= MARK_INTERVAL_MILLIS;
    }

    private Partition partitionOf(int shard) {
        return partitions[Math.floorMod(shard, partitionCount)];
    }

    private static boolean unlock(Partition partition) {
        partition.unlock();
        return true;
    }

    private void adoptUnsharded() {
        try {
            while (running && epochs.adoptUnsharded(batchSize) == batchSize) {
                Log.debug("adopting more outbox rows written without a shard");
            }
        } catch (SQLException e) {
            Log.warnf("Adopting outbox rows without a shard failed, will retry: %s", e.getMessage());
        }
    }

    private Partition[] partitionsOf(ShardEpochs.Epoch current) {
        return IntStream.range(0, partitionCount).mapToObj(p -> new Partition(p, EventShards.all(current.shardCount())
                .filter(s -> Math.floorMod(s, partitionCount) == p).toArray())).toArray(Partition[]::new);
    }

    private void pause(long millis) {
        long until = System.currentTimeMillis() + millis;
        while (running && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * One partition's drain state on this replica; reset each time this replica takes it. A drain numbers only the
     * shards that may have something to do: those a wake-up named ({@link #dirty}), those with progress to record, or
     * every shard of the partition ({@link #allDirty}: when taken, on a retry, on the safety drain), so its cost does
     * not grow with the number of shards. A shard is marked dirty before the drain is requested, and the drain reads
     * the marks after it took the request, so no mark is missed. Its lock is held while a drain works on it, while its
     * progress is recorded and while it is stopped.
     */
    private final class Partition {

        final int index;
        final int[] shards;
        final Set<Integer> dirty = ConcurrentHashMap.newKeySet();
        final AtomicBoolean allDirty = new AtomicBoolean();
        final ReentrantLock drainLock = new ReentrantLock();
        /** Per shard: the highest seq this owner published, and the highest it recorded as published_seq. */
        final Map<Integer, Long> publishedUpTo = new HashMap<>();
        final Map<Integer, Long> markedUpTo = new HashMap<>();
        /** Rows writers numbered in their own transactions ({@link #handOver}): one shard's, in seq order, each. */
        final Queue<List<OutboxRows.Publishable>> handed = new ConcurrentLinkedQueue<>();
        /** Set when a step failed (Redis or database): the sweep drains again. */
        volatile boolean retryPending;

        Partition(int index, int[] shards) {
            this.index = index;
            this.shards = shards;
        }

        /** Taken: start from the recorded progress (what this process published before is not trusted). */
        void start() {
            drainLock.lock();
            try {
                publishedUpTo.clear();
                markedUpTo.clear();
                handed.clear();
                retryPending = false;
                allDirty.set(true);
            } finally {
                drainLock.unlock();
            }
            requestDrain();
        }

        /** About to be given up (or the relay stops): waits for the running step, records progress. */
        void stop() {
            drainLock.lock();
            try {
                Map<Integer, Long> marking = unmarked();
                if (!marking.isEmpty() && numbering.markPublished(epoch.epoch(), marking)) {
                    markedUpTo.putAll(marking);
                }
            } finally {
                drainLock.unlock();
            }
        }

        void unlock() {
            drainLock.unlock();
        }

        /**
         * The shards to drain now (taking the marks): every one, or those named since, and, when progress is to be
         * recorded, those with progress to record.
         */
        int[] dirtyShards(boolean withUnmarked) {
            if (allDirty.getAndSet(false)) {
                dirty.clear();
                return shards;
            }
            Set<Integer> now = withUnmarked ? new TreeSet<>(unmarked().keySet()) : new TreeSet<>();
            for (Integer shard : dirty) {
                if (dirty.remove(shard)) {
                    now.add(shard);
                }
            }
            return now.stream().mapToInt(Integer::intValue).toArray();
        }

        /**
         * The rows handed over since the last drain that continue each shard's published position, per shard in seq
         * order. Rows published already (a step read them as backlog first) are dropped; a shard whose rows do not
         * continue it (a step numbered rows in between that it did not publish, a publish failed, or nothing was
         * published since the partition was taken, so the position is unknown) is added to {@code behind}: a step
         * reads it from the database, as the backlog between its published position and its {@code last_seq}.
         */
        List<OutboxRows.Publishable> takeHanded(Set<Integer> behind) {
            Map<Integer, List<List<OutboxRows.Publishable>>> byShard = new TreeMap<>();
            for (List<OutboxRows.Publishable> events = handed.poll(); events != null; events = handed.poll()) {
                byShard.computeIfAbsent(events.get(0).shard(), s -> new ArrayList<>()).add(events);
            }
            List<OutboxRows.Publishable> continuing = new ArrayList<>();
            byShard.forEach((shard, batches) -> {
                batches.sort(Comparator.comparingLong(events -> events.get(0).seq()));
                Long position = publishedUpTo.get(shard);
                for (List<OutboxRows.Publishable> events : batches) {
                    if (position != null && events.get(events.size() - 1).seq() <= position) {
                        continue;
                    }
                    if (position == null || events.get(0).seq() != position + 1) {
                        behind.add(shard);
                        return;
                    }
                    continuing.addAll(events);
                    position = events.get(events.size() - 1).seq();
                }
            });
            return continuing;
        }

        Map<Integer, Long> unmarked() {
            Map<Integer, Long> marking = new HashMap<>();
            publishedUpTo.forEach((shard, seq) -> {
                if (seq > markedUpTo.getOrDefault(shard, 0L)) {
                    marking.put(shard, seq);
                }
            });
            return marking;
        }
    }
}
