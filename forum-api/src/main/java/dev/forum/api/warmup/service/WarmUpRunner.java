package dev.forum.api.warmup.service;

import dev.forum.api.config.ForumConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

/**
 * Runs {@link WarmUpService} rounds on its own thread right after start-up, until {@code forum.warmup.iterations}
 * rounds are done or {@code forum.warmup.time-budget} is spent, whichever comes first; once the HTTP server listens,
 * each round is followed by as many {@link WarmUpHttp} request pairs as it made posts (interleaved, so that a time
 * budget cut short on a busy machine still leaves both halves warmed in proportion); readiness
 * ({@link dev.forum.api.warmup.health.WarmUpHealthCheck}) stays DOWN until then, so that a load balancer sends the
 * first real posts to compiled code. A round that fails ends the warm-up (logged at warn): readiness must not depend
 * on it. Logs one line with what it did.
 */
@ApplicationScoped
public class WarmUpRunner {

    /** Fired on the warm-up's thread before its first round (tests hold the warm-up there). */
    public record Starting() {
    }

    private final WarmUpService service;
    private final WarmUpHttp http;
    private final ForumConfig.WarmUp config;
    private final Event<Starting> starting;
    private volatile boolean finished;
    private volatile int rounds;
    private volatile int requests;

    public WarmUpRunner(WarmUpService service, WarmUpHttp http, ForumConfig config, Event<Starting> starting) {
        this.service = service;
        this.http = http;
        this.config = config.warmup();
        this.starting = starting;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            finished = true;
            return;
        }
        Thread thread = new Thread(this::run, "forum-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the warm-up is over (or was never on). */
    public boolean isFinished() {
        return finished;
    }

    /** Rounds done so far. */
    public int rounds() {
        return rounds;
    }

    /** HTTP requests the warm-up made to its own port so far (all answered as expected). */
    public int requests() {
        return requests;
    }

    private static void close(WarmUpHttp.Client client) {
        if (client == null) {
            return;
        }
        try {
            client.close();
        } catch (Exception e) {
            Log.warnf(e, "Warm-up: closing its HTTP client failed");
        }
    }

    private void run() {
        starting.fire(new Starting());
        long start = System.nanoTime();
        long deadline = start + config.timeBudget().toNanos();
        String stoppedBy = "its iteration count";
        WarmUpHttp.Client client = null;
        boolean httpOn = config.http();
        try {
            while (rounds < config.iterations()) {
                if (System.nanoTime() - deadline >= 0) {
                    stoppedBy = "its time budget";
                    break;
                }
                service.runRound(config.postsPerIteration());
                rounds++;
                if (client == null && httpOn && http.ready()) {
                    client = http.open();
                }
                if (client != null) {
                    try {
                        client.run(config.postsPerIteration());
                        requests += 2 * config.postsPerIteration();
                    } catch (Exception e) {
                        // e.g. a host the loopback address does not reach: the rounds go on without their HTTP half
                        Log.warnf(e, "Warm-up: its HTTP half failed after %d requests; going on without it", requests);
                        close(client);
                        client = null;
                        httpOn = false;
                    }
                }
            }
        } catch (Exception e) {
            stoppedBy = "a failure";
            Log.warnf(e, "Warm-up failed after %d rounds; ready without it", rounds);
        } finally {
            close(client);
            finished = true;
            Log.infof("Warm-up: %d posts in %d rolled-back transactions and %d HTTP requests in %d ms, stopped by %s"
                            + " (budget %d x %d, %s)",
                    rounds * config.postsPerIteration(), rounds, requests, (System.nanoTime() - start) / 1_000_000,
                    stoppedBy, config.iterations(), config.postsPerIteration(), config.timeBudget());
        }
    }
}
