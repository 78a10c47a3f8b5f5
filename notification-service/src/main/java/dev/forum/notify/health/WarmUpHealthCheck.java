package dev.forum.notify.health;

import dev.forum.notify.warmup.WarmUpRunner;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while the start-up warm-up runs (a replica is ready once its consumer path is compiled), UP for good once it
 * ended, however it ended. Liveness and the startup probe do not include it.
 */
@Readiness
@ApplicationScoped
public class WarmUpHealthCheck implements HealthCheck {

    private final WarmUpRunner warmUp;

    public WarmUpHealthCheck(WarmUpRunner warmUp) {
        this.warmUp = warmUp;
    }

    @Override
    public HealthCheckResponse call() {
        return warmUp.readiness().build();
    }
}
