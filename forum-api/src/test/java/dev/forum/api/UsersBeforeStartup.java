package dev.forum.api;

import dev.forum.api.user.service.AuthService;
import dev.forum.contract.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Registers the members named in {@code forum-test.members-before-startup} (password {@link TestUsers#PASSWORD})
 * before any application startup observer runs: they stand for users registered before this boot. Unset: nothing.
 */
@ApplicationScoped
public class UsersBeforeStartup {

    void register(@Observes @Priority(1) StartupEvent event, AuthService auth,
                  @ConfigProperty(name = "forum-test.members-before-startup") Optional<String> usernames) {
        usernames.ifPresent(names -> QuarkusTransaction.requiringNew().run(() -> {
            for (String name : names.split(",")) {
                auth.registerUser(name.trim(), TestUsers.PASSWORD, null, Role.MEMBER, 0);
            }
        }));
    }
}
