package dev.forum.api.warmup.service;

import dev.forum.api.config.ForumConfig;
import dev.forum.common.warmup.WarmUpLoop;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * forum-api's start-up warm-up ({@link WarmUpLoop}): {@link WarmUpService} rounds right after start-up, until
 * {@code forum.warmup.iterations} rounds are done or {@code forum.warmup.time-budget} is spent, whichever comes
 * first; once the HTTP server listens, each round is followed by as many {@link WarmUpHttp} request pairs as it made
 * posts (interleaved, so that a time budget cut short on a busy machine still leaves both halves warmed in
 * proportion); readiness ({@link dev.forum.api.warmup.health.WarmUpHealthCheck}) stays DOWN until then.
 */
@ApplicationScoped
public class WarmUpRunner {

    private final WarmUpService service;
    private final WarmUpHttp http;
    private final ForumConfig.WarmUp config;
    private final Event<WarmUpLoop.Starting> starting;
    private final WarmUpLoop loop = new WarmUpLoop("forum-warm-up");
    private volatile int requests;

    public WarmUpRunner(WarmUpService service, WarmUpHttp http, ForumConfig config, Event<WarmUpLoop.Starting> starting) {
        this.service = service;
        this.http = http;
        this.config = config.warmup();
        this.starting = starting;
    }

    void onStart(@Observes StartupEvent event) {
        loop.start(config.enabled(), new WarmUpLoop.Budget(config.iterations(), config.timeBudget()), new Rounds(),
                () -> starting.fire(new WarmUpLoop.Starting()));
    }

    /** Whether the warm-up is over (or was never on). */
    public boolean isFinished() {
        return loop.isFinished();
    }

    /** The readiness check {@code warm-up}, with the rounds and the HTTP requests made so far. */
    public HealthCheckResponseBuilder readiness() {
        return loop.readiness().withData("requests", requests);
    }

    /** A round of posts, then its HTTP half once the server listens; the HTTP client is closed at the end. */
    private final class Rounds implements WarmUpLoop.Rounds {

        private WarmUpHttp.Client client;
        private boolean httpOn = config.http();

        @Override
        public void runRound() throws Exception {
            service.runRound(config.postsPerIteration());
            if (client == null && httpOn && http.ready()) {
                client = http.open();
            }
            if (client == null) {
                return;
            }
            try {
                client.run(config.postsPerIteration());
                requests += 2 * config.postsPerIteration();
            } catch (Exception e) {
                // e.g. a host the loopback address does not reach: the rounds go on without their HTTP half
                Log.warnf(e, "Warm-up: its HTTP half failed after %d requests; going on without it", requests);
                finish();
                httpOn = false;
            }
        }

        @Override
        public String done(int rounds) {
            return String.format("%d posts in %d rolled-back transactions (%d events published to the warm-up"
                            + " channels) and %d HTTP requests", rounds * config.postsPerIteration(), rounds,
                    service.published(), requests);
        }

        @Override
        public void finish() {
            if (client == null) {
                return;
            }
            try {
                client.close();
            } catch (Exception e) {
                Log.warnf(e, "Warm-up: closing its HTTP client failed");
            }
            client = null;
        }
    }
}
