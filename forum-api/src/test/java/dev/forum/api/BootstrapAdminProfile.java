package dev.forum.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** A fresh install whose operator registered {@link #FOUNDER} and named it in {@code FORUM_BOOTSTRAP_ADMIN}. */
public class BootstrapAdminProfile implements QuarkusTestProfile {

    public static final String FOUNDER = "founder";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("forum.bootstrap.admin-username", FOUNDER,
                "forum-test.members-before-startup", FOUNDER + ",bystander");
    }
}
