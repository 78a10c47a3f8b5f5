package dev.forum.common.warmup;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * A service's start-up warm-up: rounds of its own hot path, run on a thread of their own right after start-up, until
 * the round count is done or the time budget is spent, whichever comes first; the service's readiness check
 * ({@link #readiness()}, check {@code warm-up}) is DOWN until then, so that a load balancer sends the first real
 * work to code the JIT compilers have already compiled. What a round runs, and why it leaves nothing behind, is the
 * service's ({@link Rounds}). A round that fails ends the warm-up (logged at warn): readiness must not depend on it.
 * One log line says what it did. Used by forum-api (posts) and notification-service (events).
 */
public final class WarmUpLoop {

    private static final Logger LOG = Logger.getLogger(WarmUpLoop.class);

    /** What one service's warm-up runs, round by round, all on the warm-up's thread. */
    public interface Rounds {

        /** One round; an exception ends the warm-up. */
        void runRound() throws Exception;

        /** What {@code rounds} rounds did, for the log line (e.g. "4000 posts in 400 rolled-back transactions"). */
        String done(int rounds);

        /** After the last round, however the warm-up ended: release what the rounds held. */
        default void finish() {
        }
    }

    /**
     * The CDI event each service's runner fires on the warm-up's thread before the first round
     * ({@code beforeFirstRound}): tests hold the warm-up there (service-common's test-jar, {@code HeldWarmUp}).
     */
    public record Starting() {
    }

    /** At most {@code iterations} rounds, for at most {@code timeBudget}. */
    public record Budget(int iterations, Duration timeBudget) {
    }

    private final String threadName;
    private volatile boolean finished;
    private volatile int rounds;

    /** @param threadName the warm-up thread's name (in thread dumps and profiles) */
    public WarmUpLoop(String threadName) {
        this.threadName = threadName;
    }

    /**
     * Starts the warm-up on its own daemon thread, which first runs {@code beforeFirstRound} (tests hold the warm-up
     * there); or, when not {@code enabled}, marks it finished at once.
     */
    public void start(boolean enabled, Budget budget, Rounds work, Runnable beforeFirstRound) {
        if (!enabled) {
            finished = true;
            return;
        }
        Thread thread = new Thread(() -> {
            beforeFirstRound.run();
            run(budget, work);
        }, threadName);
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

    /** The readiness check {@code warm-up}: UP for good once the warm-up ended, however it ended. */
    public HealthCheckResponseBuilder readiness() {
        return HealthCheckResponse.named("warm-up").status(finished).withData("rounds", rounds);
    }

    /** The loop itself, on the calling thread (the warm-up's, or a test's). */
    void run(Budget budget, Rounds work) {
        long start = System.nanoTime();
        long deadline = start + budget.timeBudget().toNanos();
        String stoppedBy = "its iteration count";
        try {
            while (rounds < budget.iterations()) {
                if (System.nanoTime() - deadline >= 0) {
                    stoppedBy = "its time budget";
                    break;
                }
                work.runRound();
                rounds++;
            }
        } catch (Exception e) {
            stoppedBy = "a failure";
            LOG.warnf(e, "Warm-up failed after %d rounds; ready without the rest", rounds);
        } finally {
            try {
                work.finish();
            } catch (RuntimeException e) {
                LOG.warnf(e, "Warm-up: releasing what it held failed");
            }
            finished = true;
            LOG.infof("Warm-up: %s in %d ms, stopped by %s (budget %d rounds, %s)", work.done(rounds),
                    (System.nanoTime() - start) / 1_000_000, stoppedBy, budget.iterations(), budget.timeBudget());
        }
    }
}
