package dev.forum.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.UUID;

/** One {@link Stack} per test class, started before its first test and stopped after its last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StackTestBase {

    protected static final String V2 = "/api/forum/ws/v2";

    protected Stack stack;
    protected ForumHttp http;

    /** Override to change replica count or properties; two gateways by default. */
    protected Stack.Builder configure(Stack.Builder builder) {
        return builder.gateways(2);
    }

    @BeforeAll
    void startStack() {
        stack = configure(Stack.builder()).start();
        http = stack.http();
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    protected static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
