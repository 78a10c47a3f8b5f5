package dev.forum.gateway.registry;

/** Told what happened to outbound frames (metrics). */
public interface DeliveryListener {

    void written(OutboundFrame frame);

    void dropped(OutboundFrame frame, String reason);

    void disconnected(String reason);

    DeliveryListener NONE = new DeliveryListener() {
        @Override
        public void written(OutboundFrame frame) {
        }

        @Override
        public void dropped(OutboundFrame frame, String reason) {
        }

        @Override
        public void disconnected(String reason) {
        }
    };
}
