package dev.forum.system.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What one scenario counted: events sent, expected deliveries, received, lost, duplicated and out of
 * order, plus delivery latencies. {@link #print()} writes it as one line prefixed {@code [system]} so
 * the figures are easy to grep out of the build log.
 */
final class Tally {

    private final String scenario;
    private long sent;
    private long expected;
    private long received;
    private long lost;
    private long duplicated;
    private long outOfOrder;
    private long leaked;
    private final List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
    private String latencyBasis = "";
    private final StringBuilder extra = new StringBuilder();
    private final List<String> lostSamples = new ArrayList<>();

    Tally(String scenario) {
        this.scenario = scenario;
    }

    Tally sent(long n) {
        sent += n;
        return this;
    }

    Tally expected(long n) {
        expected += n;
        return this;
    }

    Tally received(long n) {
        received += n;
        return this;
    }

    Tally lost(long n) {
        lost += n;
        return this;
    }

    Tally duplicated(long n) {
        duplicated += n;
        return this;
    }

    Tally outOfOrder(long n) {
        outOfOrder += n;
        return this;
    }

    Tally leaked(long n) {
        leaked += n;
        return this;
    }

    /** Remembers a few lost events (thread, seq, type) for the failure message. */
    Tally lostSample(String description) {
        if (lostSamples.size() < 10) {
            lostSamples.add(description);
        }
        return this;
    }

    /** Adds an extra {@code key=value} to the printed line. */
    Tally note(String key, Object value) {
        extra.append(' ').append(key).append('=').append(value);
        return this;
    }

    Tally latencyBasis(String basis) {
        this.latencyBasis = basis;
        return this;
    }

    void latencyMicros(long micros) {
        latenciesMicros.add(micros);
    }

    long lost() {
        return lost;
    }

    long duplicated() {
        return duplicated;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    long leaked() {
        return leaked;
    }

    long received() {
        return received;
    }

    long expected() {
        return expected;
    }

    /** The latency at quantile q (0..1) in milliseconds, or -1 without samples. */
    double latencyMillis(double q) {
        List<Long> sorted;
        synchronized (latenciesMicros) {
            sorted = new ArrayList<>(latenciesMicros);
        }
        if (sorted.isEmpty()) {
            return -1;
        }
        Collections.sort(sorted);
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1000.0;
    }

    String line() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "[system] %-22s sent=%d expected=%d received=%d lost=%d duplicated=%d out_of_order=%d leaked=%d",
                scenario, sent, expected, received, lost, duplicated, outOfOrder, leaked));
        if (!latenciesMicros.isEmpty()) {
            line.append(String.format(Locale.ROOT, " latency_ms(p50=%.1f p99=%.1f max=%.1f n=%d, %s)",
                    latencyMillis(0.50), latencyMillis(0.99), latencyMillis(1.0), latenciesMicros.size(),
                    latencyBasis));
        }
        return line.append(extra).toString();
    }

    /** Fails unless something was expected and nothing was lost, duplicated, reordered or leaked. */
    Tally assertClean() {
        org.assertj.core.api.Assertions.assertThat(expected).as(scenario + ": expected deliveries").isPositive();
        org.assertj.core.api.Assertions.assertThat(lost).as(scenario + ": lost, e.g. " + lostSamples).isZero();
        org.assertj.core.api.Assertions.assertThat(duplicated).as(scenario + ": duplicated").isZero();
        org.assertj.core.api.Assertions.assertThat(outOfOrder).as(scenario + ": out of order").isZero();
        org.assertj.core.api.Assertions.assertThat(leaked).as(scenario + ": leaked").isZero();
        return this;
    }

    Tally print() {
        System.out.println(line());
        return this;
    }
}
