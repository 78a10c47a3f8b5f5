package dev.forum.notify.warmup;

import dev.forum.common.warmup.WarmUpLoop;
import dev.forum.notify.config.NotifyConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * notification-service's start-up warm-up ({@link WarmUpLoop}): {@link WarmUpService} rounds right after start-up,
 * until {@code notify.warmup.iterations} rounds are done or {@code notify.warmup.time-budget} is spent, whichever
 * comes first; readiness ({@link dev.forum.notify.health.WarmUpHealthCheck}) stays DOWN until then. The feed consumer
 * does not wait for it (it consumes from the start, as before).
 */
@ApplicationScoped
public class WarmUpRunner {

    private final WarmUpService service;
    private final NotifyConfig.WarmUp config;
    private final Event<WarmUpLoop.Starting> starting;
    private final WarmUpLoop loop = new WarmUpLoop("notify-warm-up");

    public WarmUpRunner(WarmUpService service, NotifyConfig config, Event<WarmUpLoop.Starting> starting) {
        this.service = service;
        this.config = config.warmup();
        this.starting = starting;
    }

    void onStart(@Observes StartupEvent event) {
        loop.start(config.enabled(), new WarmUpLoop.Budget(config.iterations(), config.timeBudget()),
                new WarmUpLoop.Rounds() {
                    @Override
                    public void runRound() throws Exception {
                        service.runRound(config.eventsPerIteration());
                    }

                    @Override
                    public String done(int rounds) {
                        return String.format("%d events (%d notifications) in %d rolled-back transactions",
                                service.processed(), service.notifications(), rounds);
                    }
                }, () -> starting.fire(new WarmUpLoop.Starting()));
    }

    /** Whether the warm-up is over (or was never on). */
    public boolean isFinished() {
        return loop.isFinished();
    }

    /** The readiness check {@code warm-up}, with the rounds, events and notifications so far. */
    public HealthCheckResponseBuilder readiness() {
        return loop.readiness().withData("events", service.processed())
                .withData("notifications", service.notifications());
    }
}
