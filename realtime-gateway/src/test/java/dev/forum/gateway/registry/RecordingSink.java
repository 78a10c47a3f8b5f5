package dev.forum.gateway.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A socket stand-in: records frames; in manual mode, writes complete only when {@link #completeAll()} is called. */
final class RecordingSink implements FrameSink {

    final List<String> sent = new ArrayList<>();
    final List<CompletableFuture<Void>> pending = new ArrayList<>();
    Integer closeCode;
    private final boolean manual;

    RecordingSink(boolean manual) {
        this.manual = manual;
    }

    @Override
    public synchronized CompletionStage<Void> send(String text) {
        sent.add(text);
        if (!manual) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> write = new CompletableFuture<>();
        pending.add(write);
        return write;
    }

    @Override
    public synchronized void close(int code, String reason) {
        closeCode = code;
    }

    void completeAll() {
        while (true) {
            CompletableFuture<Void> next;
            synchronized (this) {
                if (pending.isEmpty()) {
                    return;
                }
                next = pending.remove(0);
            }
            next.complete(null);
        }
    }
}
