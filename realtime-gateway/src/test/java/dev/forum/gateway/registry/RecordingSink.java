package dev.forum.gateway.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A socket stand-in: records the frames written (as text, and the very byte arrays handed over); its
 * write buffer can be made {@link #fill() full} and {@link #drain() drained} like a socket whose peer
 * stops and resumes reading.
 */
public final class RecordingSink implements FrameSink {

    /** Readable from any thread while the writer's thread adds to it. */
    public final List<String> sent = new CopyOnWriteArrayList<>();
    final List<byte[]> written = new ArrayList<>();
    public volatile Integer closeCode;
    private boolean full;
    private boolean socketClosed;
    private Runnable drainHandler = () -> {
    };
    private List<Runnable> deferred;

    @Override
    public synchronized boolean write(byte[] utf8) {
        if (socketClosed) {
            return false;
        }
        written.add(utf8);
        sent.add(new String(utf8, StandardCharsets.UTF_8));
        return true;
    }

    @Override
    public synchronized boolean writeQueueFull() {
        return full;
    }

    @Override
    public synchronized void drainHandler(Runnable drained) {
        drainHandler = drained;
    }

    /** Runs tasks at once, on the calling thread, unless {@link #deferTasks()} was called. */
    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            if (deferred != null) {
                deferred.add(task);
                return;
            }
        }
        task.run();
    }

    /** From now on, tasks for the I/O thread wait until {@link #runTasks()}. */
    synchronized void deferTasks() {
        deferred = new ArrayList<>();
    }

    /** Runs the waiting tasks (the I/O thread's turn); returns how many there were. */
    int runTasks() {
        List<Runnable> tasks;
        synchronized (this) {
            tasks = List.copyOf(deferred);
            deferred.clear();
        }
        tasks.forEach(Runnable::run);
        return tasks.size();
    }

    @Override
    public synchronized void close(int code, String reason) {
        closeCode = code;
    }

    synchronized void fill() {
        full = true;
    }

    /** The peer read: room again, the drain handler runs (outside the sink's lock, like Vert.x). */
    void drain() {
        Runnable handler;
        synchronized (this) {
            full = false;
            handler = drainHandler;
        }
        handler.run();
    }

    /** The socket went away under the writer. */
    synchronized void closeSocket() {
        socketClosed = true;
    }
}
