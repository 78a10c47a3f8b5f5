package dev.forum.gateway.config;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A {@link GatewayConfig} for unit tests: the values given by dotted method path (e.g. "replay.threads"); any other value is absent. */
public final class TestGatewayConfig {

    private TestGatewayConfig() {
    }

    public static GatewayConfig of(Map<String, Object> values) {
        return group(GatewayConfig.class, "", values);
    }

    private static <T> T group(Class<T> type, String prefix, Map<String, Object> values) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            String path = prefix + method.getName();
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == GatewayConfig.class) {
                return group(method.getReturnType(), path + ".", values);
            }
            if (!values.containsKey(path)) {
                throw new IllegalStateException("no test value for " + path);
            }
            return values.get(path);
        });
        return type.cast(proxy);
    }
}
