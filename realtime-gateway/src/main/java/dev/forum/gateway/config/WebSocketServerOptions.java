package dev.forum.gateway.config;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The WebSocket size limits ({@code gateway.websocket.*}) on the public HTTP server, where Vert.x enforces them for
 * every socket the gateway serves.
 */
@ApplicationScoped
public class WebSocketServerOptions implements HttpServerOptionsCustomizer {

    private final GatewayConfig.WebSocket limits;

    public WebSocketServerOptions(GatewayConfig config) {
        this.limits = config.websocket();
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        apply(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        apply(options);
    }

    private void apply(HttpServerOptions options) {
        options.setMaxWebSocketMessageSize(limits.maxMessageSize()).setMaxWebSocketFrameSize(limits.maxFrameSize());
    }
}
