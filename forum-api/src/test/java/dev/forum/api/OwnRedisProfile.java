package dev.forum.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/** Points forum-api at a private redis-server that the test may stop and restart. */
public class OwnRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnRedisServer.class));
    }
}
