package dev.forum.api.warmup.service;

import dev.forum.api.config.ForumConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

/**
 * Runs {@link WarmUpService} rounds on its own thread right after start-up, until {@code forum.warmup.iterations}
 * rounds are done or {@code forum.warmup.time-budget} is spent, whichever comes first; readiness
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
    private final ForumConfig.WarmUp config;
    private final Event<Starting> starting;
    private volatile boolean finished;
    private volatile int rounds;

    public WarmUpRunner(WarmUpService service, ForumConfig config, Event<Starting> starting) {
        this.service = service;
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

    private void run() {
        starting.fire(new Starting());
        long start = System.nanoTime();
        long deadline = start + config.timeBudget().toNanos();
        String stoppedBy = "its iteration count";
        try {
            while (rounds < config.iterations()) {
                if (System.nanoTime() - deadline >= 0) {
                    stoppedBy = "its time budget";
                    break;
                }
                service.runRound(config.postsPerIteration());
                rounds++;
            }
        } catch (Exception e) {
            stoppedBy = "a failure";
            Log.warnf(e, "Warm-up failed after %d rounds; ready without it", rounds);
        } finally {
            finished = true;
            Log.infof("Warm-up: %d posts in %d rolled-back transactions in %d ms, stopped by %s (budget %d x %d, %s)",
                    rounds * config.postsPerIteration(), rounds, (System.nanoTime() - start) / 1_000_000, stoppedBy,
                    config.iterations(), config.postsPerIteration(), config.timeBudget());
        }
    }
}
