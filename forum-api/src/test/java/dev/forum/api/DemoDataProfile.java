package dev.forum.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The %dev demo data, seeded at startup into the fresh test database. */
public class DemoDataProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("forum.demo-data.enabled", "true");
    }
}
