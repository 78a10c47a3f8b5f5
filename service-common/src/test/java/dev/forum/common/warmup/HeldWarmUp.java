package dev.forum.common.warmup;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a service's start-up warm-up before its first round ({@link WarmUpLoop.Starting}) until a test releases it,
 * so that the test sees it running without racing it. A bean of every service whose tests use this test-jar; it
 * holds only where the warm-up is on (each service's {@code WarmUpProfile}), for at most two minutes.
 */
@ApplicationScoped
public class HeldWarmUp {

    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    void hold(@Observes WarmUpLoop.Starting starting) throws InterruptedException {
        held.countDown();
        released.await(2, TimeUnit.MINUTES);
    }

    public boolean isHeld() {
        return held.getCount() == 0 && released.getCount() == 1;
    }

    public void release() {
        released.countDown();
    }
}
