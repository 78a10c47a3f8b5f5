package dev.forum.notify;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** Runs the service as in production: consuming a real forum-api's feed, resolving sessions with it. */
public class WithForumApi implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("notify.consumer.enabled", "true", "notify.consumer.poll-interval", "1s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ForumApiProcess.class));
    }
}
