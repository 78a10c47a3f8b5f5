package dev.forum.api.user.service;

import dev.forum.api.config.ForumConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The first admin of a fresh install: {@code forum.bootstrap.admin-username} (env {@code FORUM_BOOTSTRAP_ADMIN}, empty
 * by default) names a registered user who is promoted to admin at startup, as long as no admin exists.
 */
@ApplicationScoped
public class AdminBootstrap {

    private final ForumConfig config;
    private final UserService users;

    public AdminBootstrap(ForumConfig config, UserService users) {
        this.config = config;
        this.users = users;
    }

    void onStart(@Observes StartupEvent event) {
        config.bootstrap().adminUsername().map(String::trim).filter(name -> !name.isEmpty()).ifPresent(name ->
                users.promoteToAdminIfNoAdmin(name).ifPresentOrElse(
                        user -> Log.infof("Bootstrap: %s is now an admin", user.username()),
                        () -> Log.infof("Bootstrap: %s not promoted (an admin exists, or no such user: register it "
                                + "and restart)", name)));
    }
}
