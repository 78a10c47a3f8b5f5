package dev.forum.system.scenario;

import dev.forum.system.Stack;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One stack (forum-api, notification-service, two gateway replicas, own Redis and databases) shared by
 * every scenario class that restarts nothing: it starts on first use and closes when the whole test run
 * ends (it lives in the root extension store, and {@link Stack} is AutoCloseable). Scenarios that kill or
 * restart processes start their own stack instead.
 *
 * <pre>
 * &#64;ExtendWith(SharedStack.class)
 * class SomeIT {
 *     &#64;BeforeAll void setUp(Stack stack) { ... }
 * }
 * </pre>
 */
public final class SharedStack implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Stack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("stack",
                key -> Stack.builder().gateways(2).withNotificationService().start(), Stack.class);
    }
}
