package dev.forum.notify;

import dev.forum.notify.warmup.WarmUpRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the start-up warm-up before its first round until a test releases it, so that the test sees it running
 * without racing it. Only where the warm-up is on ({@link WarmUpProfile}).
 */
@ApplicationScoped
public class HeldWarmUp {

    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    void hold(@Observes WarmUpRunner.Starting starting) throws InterruptedException {
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
