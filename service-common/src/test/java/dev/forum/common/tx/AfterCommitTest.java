package dev.forum.common.tx;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision alone, against a registry that keeps the synchronization (the services' tests cover JTA itself). */
class AfterCommitTest {

    private final AtomicReference<Synchronization> registered = new AtomicReference<>();
    private final TransactionSynchronizationRegistry transactions = (TransactionSynchronizationRegistry) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {TransactionSynchronizationRegistry.class}, (proxy, method, args) -> {
                if (method.getName().equals("registerInterposedSynchronization")) {
                    registered.set((Synchronization) args[0]);
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    private final AtomicInteger runs = new AtomicInteger();

    @Test
    void runAfterACommitRunsTheActionOnce() {
        AfterCommit.run(transactions, runs::incrementAndGet);
        registered.get().beforeCompletion();
        assertThat(runs.get()).as("not before the outcome is known").isZero();

        registered.get().afterCompletion(Status.STATUS_COMMITTED);

        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void runAfterARollbackDoesNothing() {
        AfterCommit.run(transactions, runs::incrementAndGet);

        registered.get().afterCompletion(Status.STATUS_ROLLEDBACK);

        assertThat(runs.get()).isZero();
    }
}
