package dev.forum.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.stream.Stream;

/** Meter filters every service applies (Quarkus' Micrometer extension picks up every MeterFilter bean). */
@Dependent
public class MetricsFilters {

    /** Buckets of {@code http_server_requests_seconds}, 5 ms to 10 s. */
    static final double[] HTTP_BUCKETS_NANOS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
            .mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();

    /**
     * Server-side buckets for HTTP server latency, so that percentiles can be computed over every replica in
     * Prometheus (docs/metrics.md).
     */
    @Produces
    @Singleton
    public MeterFilter httpServerHistogram() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!"http.server.requests".equals(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(HTTP_BUCKETS_NANOS).build()
                        .merge(config);
            }
        };
    }

    /**
     * Help text without double quotes: the Prometheus client escapes them as {@code \"}, which the text
     * format's parsers (promtool check metrics) reject. Only Micrometer's own JVM and system binders use them.
     */
    @Produces
    @Singleton
    public MeterFilter unquotedHelp() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String description = id.getDescription();
                if (description == null || description.indexOf('"') < 0) {
                    return id;
                }
                return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()),
                        id.getBaseUnit(), description.replace("\"", ""), id.getType());
            }
        };
    }
}
