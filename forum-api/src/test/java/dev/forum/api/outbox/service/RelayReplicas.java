package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.mapping.OutboxRows;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/** Starts the relay of another forum-api replica in this JVM: same database and Redis, its own lock session. */
@ApplicationScoped
public class RelayReplicas {

    private final AgroalDataSource dataSource;
    private final OutboxRows rows;
    private final RedisDataSource redis;
    private final ShardEpochs epochs;
    private final ForumConfig config;
    private final MeterRegistry registry;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final Optional<String> jdbcPassword;

    public RelayReplicas(AgroalDataSource dataSource, OutboxRows rows, RedisDataSource redis, ShardEpochs epochs,
                         ForumConfig config, MeterRegistry registry,
                         @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                         @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
                         @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
        this.dataSource = dataSource;
        this.rows = rows;
        this.redis = redis;
        this.epochs = epochs;
        this.config = config;
        this.registry = registry;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
    }

    /** Another replica's relay, started. */
    public OutboxRelay start() {
        return start(epochs);
    }

    /** Another replica's relay that sees the epochs through {@code replicaEpochs} (another shard count), started. */
    public OutboxRelay start(ShardEpochs replicaEpochs) {
        OutboxRelay replica = new OutboxRelay(dataSource, rows, redis, replicaEpochs, config, registry, jdbcUrl,
                jdbcUser, jdbcPassword);
        replica.start();
        return replica;
    }
}
