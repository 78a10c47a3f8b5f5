package dev.forum.gateway.registry;

/**
 * Told when a thread gets its first local subscriber and when its last one goes. Called under the registry's lock
 * of that thread, so the calls for one thread come in order; must not block.
 */
public interface ThreadWatchListener {

    ThreadWatchListener NONE = new ThreadWatchListener() {
        @Override
        public void threadWatched(long threadId) {
        }

        @Override
        public void threadUnwatched(long threadId) {
        }
    };

    void threadWatched(long threadId);

    void threadUnwatched(long threadId);
}
