package dev.forum.api.demo;

import dev.forum.api.auth.Caller;
import dev.forum.api.config.ForumConfig;
import dev.forum.api.message.service.MessageService;
import dev.forum.api.thread.mapping.ThreadView;
import dev.forum.api.thread.service.ThreadService;
import dev.forum.api.user.User;
import dev.forum.api.user.service.AuthService;
import dev.forum.contract.Role;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Demo users and threads for LOCAL RUNS ONLY ({@code forum.demo-data.enabled}, true only in %dev). Seeded once,
 * into an empty database, through the services, so their events are in the outbox too. Dev passwords:
 * alice/alice-dev-pw, bob/bob-dev-pw (tier 500), carol/carol-dev-pw (moderator), admin/admin-dev-pw (admin).
 */
@ApplicationScoped
public class DemoData {

    private final ForumConfig config;
    private final AuthService auth;
    private final ThreadService threads;
    private final MessageService messages;

    public DemoData(ForumConfig config, AuthService auth, ThreadService threads, MessageService messages) {
        this.config = config;
        this.auth = auth;
        this.threads = threads;
        this.messages = messages;
    }

    void seed(@Observes StartupEvent event) {
        if (!config.demoData().enabled()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            if (User.count() > 0) {
                return;
            }
            Caller alice = caller(auth.registerUser("alice", "alice-dev-pw", "Alice", Role.MEMBER, 0));
            Caller bob = caller(auth.registerUser("bob", "bob-dev-pw", "Bob", Role.MEMBER, 500));
            Caller carol = caller(auth.registerUser("carol", "carol-dev-pw", "Carol", Role.MODERATOR, 0));
            Caller admin = caller(auth.registerUser("admin", "admin-dev-pw", "Admin", Role.ADMIN, 0));
            ThreadView welcome = threads.persistThread(admin, "Welcome to the forum",
                    "Be kind. **Markdown** works, and `@everyone` is for emergencies.", 0);
            threads.partialUpdateThread(carol, welcome.id(), new ThreadService.ThreadPatch(null, true, null, null));
            ThreadView general = threads.persistThread(alice, "General chat", "Hello everyone! What are you working on?", 0);
            messages.persistMessage(bob, general.id(), "Building a real-time forum, @alice.", null);
            threads.persistThread(bob, "Supporters lounge", "Only for supporters (tier 500 and up).", 500);
            Log.info("Demo data seeded: alice, bob, carol (moderator), admin (admin); passwords <name>-dev-pw");
        });
    }

    private static Caller caller(User user) {
        return new Caller(0, user.toCurrentUser(), null);
    }
}
