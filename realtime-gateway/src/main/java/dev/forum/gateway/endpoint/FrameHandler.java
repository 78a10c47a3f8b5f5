package dev.forum.gateway.endpoint;

import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.internal.TokenBucket;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.ServerFrames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A client's text frame: the inbound rate limit (an error frame at the first refusal, 4008 after
 * {@code gateway.rate-limit.close-after} in a row), parsing (an error frame for a malformed one), then the frame's
 * handler: ping, subscribe, unsubscribe or typing.
 */
@ApplicationScoped
public class FrameHandler {

    private final FrameParser parser;
    private final ServerFrames frames;
    private final SubscriptionLifecycle subscriptions;
    private final TypingRelay typing;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;

    public FrameHandler(FrameParser parser, ServerFrames frames, SubscriptionLifecycle subscriptions,
            TypingRelay typing, GatewayMetrics metrics, GatewayConfig config) {
        this.parser = parser;
        this.frames = frames;
        this.subscriptions = subscriptions;
        this.typing = typing;
        this.metrics = metrics;
        this.config = config;
    }

    Uni<Void> text(ClientSession session, String text) {
        metrics.inboundFrame();
        TokenBucket limit = session.inboundLimit();
        if (!limit.tryAcquire()) {
            int refusals = limit.consecutiveRefusals();
            if (refusals >= config.rateLimit().closeAfter()) {
                session.close(DisconnectCode.FLOOD);
            } else if (refusals == 1) {
                session.send(frames.error(GatewayError.RATE_LIMITED, "too many messages, slow down", null));
            }
            metrics.drop("inbound_rate_limited");
            return Uni.createFrom().voidItem();
        }
        FrameParser.Result result = parser.parse(text);
        if (result instanceof FrameParser.Rejected rejected) {
            session.send(frames.error(rejected.error(), rejected.message(), rejected.request()));
            return Uni.createFrom().voidItem();
        }
        InboundFrame frame = ((FrameParser.Parsed) result).frame();
        return switch (frame.kind()) {
            case PING, HEARTBEAT -> {
                session.send(frames.pong());
                yield Uni.createFrom().voidItem();
            }
            case SUBSCRIBE -> subscriptions.subscribe(session, frame);
            case UNSUBSCRIBE -> subscriptions.unsubscribe(session, frame);
            case TYPING -> typing.typing(session, frame);
        };
    }
}
