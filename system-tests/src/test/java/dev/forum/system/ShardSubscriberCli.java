package dev.forum.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code redis-cli -p <port> SSUBSCRIBE <channel>} on one node, as a subscriber that talks to that node only.
 * redis-cli prints each push as three lines (kind, channel, value) and flushes each; when the server closes the
 * connection it prints {@code Error: ...} and exits. Every push and that end are queued as {@link Push}es.
 */
public final class ShardSubscriberCli implements AutoCloseable {

    /** One push from the server ({@code ssubscribe}, {@code smessage}, {@code sunsubscribe}), or {@code closed}. */
    public record Push(String kind, String channel, String value) {
    }

    private final Process process;
    private final BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();

    private ShardSubscriberCli(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "ssubscribe-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Subscribes and returns once the node confirmed the subscription. */
    public static ShardSubscriberCli subscribe(RedisServer node, String channel, Duration timeout) {
        try {
            Process process = new ProcessBuilder(List.of("redis-cli", "-p", Integer.toString(node.port()),
                    "SSUBSCRIBE", channel)).redirectErrorStream(true).start();
            ShardSubscriberCli subscriber = new ShardSubscriberCli(process);
            subscriber.next("ssubscribe", timeout);
            return subscriber;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run redis-cli (is it installed?)", e);
        }
    }

    /** The next push, which must be of {@code kind} and arrive within {@code timeout}. */
    public Push next(String kind, Duration timeout) {
        try {
            Push push = pushes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (push == null || !push.kind().equals(kind)) {
                throw new AssertionError("expected a " + kind + " push within " + timeout + ", got " + push);
            }
            return push;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String kind;
            while ((kind = lines.readLine()) != null && !kind.startsWith("Error:")) {
                pushes.add(new Push(kind, lines.readLine(), lines.readLine()));
            }
        } catch (IOException e) {
            // the process is gone: reported as closed below
        }
        pushes.add(new Push("closed", null, null));
    }
}
