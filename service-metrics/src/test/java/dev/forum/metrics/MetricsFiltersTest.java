package dev.forum.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsFiltersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    MetricsFiltersTest() {
        MetricsFilters filters = new MetricsFilters();
        registry.config().meterFilter(filters.httpServerHistogram()).meterFilter(filters.unquotedHelp());
    }

    @Test
    void httpServerRequestsGetServerSideBuckets() {
        Timer http = Timer.builder("http.server.requests").register(registry);
        http.record(Duration.ofMillis(30));
        Timer other = Timer.builder("gateway.other").register(registry);
        other.record(Duration.ofMillis(30));

        CountAtBucket[] buckets = http.takeSnapshot().histogramCounts();
        assertThat(Arrays.stream(buckets).mapToDouble(b -> b.bucket(TimeUnit.MILLISECONDS)).toArray())
                .containsExactly(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);
        assertThat(Arrays.stream(buckets).filter(b -> b.count() == 1)).hasSize(8);
        assertThat(other.takeSnapshot().histogramCounts()).isEmpty();
    }

    @Test
    void helpTextLosesItsDoubleQuotesOnly() {
        Gauge quoted = Gauge.builder("system.cpu.usage", () -> 1).description("The \"recent cpu usage\" of the system")
                .register(registry);
        Gauge plain = Gauge.builder("gateway.redis.up", () -> 1).description("1 while live").register(registry);

        assertThat(quoted.getId().getDescription()).isEqualTo("The recent cpu usage of the system");
        assertThat(plain.getId().getDescription()).isEqualTo("1 while live");
    }
}
