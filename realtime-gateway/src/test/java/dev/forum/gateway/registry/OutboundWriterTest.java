package dev.forum.gateway.registry;

import dev.forum.gateway.endpoint.DisconnectCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundWriterTest {

    private final List<String> drops = new ArrayList<>();
    private final DeliveryListener listener = new DeliveryListener() {
        @Override
        public void written(OutboundFrame frame) {
        }

        @Override
        public void dropped(OutboundFrame frame, String reason) {
            drops.add(reason);
        }

        @Override
        public void disconnected(String reason) {
        }
    };

    @Test
    void framesAreWrittenInOrderOneAtATime() {
        RecordingSink sink = new RecordingSink(true);
        OutboundWriter writer = new OutboundWriter(1000, sink, listener);
        writer.enqueue(frame("a", false));
        writer.enqueue(frame("b", false));
        writer.enqueue(frame("c", false));
        assertThat(sink.sent).containsExactly("a");
        sink.completeAll();
        assertThat(sink.sent).containsExactly("a", "b", "c");
    }

    @Test
    void synchronouslyCompletingSocketDrainsEverything() {
        RecordingSink sink = new RecordingSink(false);
        OutboundWriter writer = new OutboundWriter(100_000, sink, listener);
        for (int i = 0; i < 10_000; i++) {
            writer.enqueue(frame("f" + i, false));
        }
        assertThat(sink.sent).hasSize(10_000).startsWith("f0", "f1").endsWith("f9999");
    }

    @Test
    void stalledSocketDropsTypingFirstThenClosesSlow() {
        RecordingSink sink = new RecordingSink(true);
        OutboundWriter writer = new OutboundWriter(20, sink, listener);
        writer.enqueue(frame("in-flight", false));
        writer.enqueue(frame("typing-1", true));
        writer.enqueue(frame("event-01", false));
        writer.enqueue(frame("event-02", false));
        assertThat(drops).containsExactly("queue_full_ephemeral");
        assertThat(sink.closeCode).isNull();
        writer.enqueue(frame("event-03-too-much", false));
        assertThat(sink.closeCode).isEqualTo(DisconnectCode.SLOW.code());
        assertThat(writer.isClosed()).isTrue();
        assertThat(writer.enqueue(frame("later", false))).isFalse();
    }

    @Test
    void failedWriteStopsTheWriter() {
        FrameSink failing = new FrameSink() {
            @Override
            public java.util.concurrent.CompletionStage<Void> send(String text) {
                return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("closed"));
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        OutboundWriter writer = new OutboundWriter(100, failing, listener);
        writer.enqueue(frame("a", false));
        assertThat(writer.isClosed()).isTrue();
    }

    static OutboundFrame frame(String text, boolean ephemeral) {
        return new OutboundFrame(text, text.length(), ephemeral ? "user_typing" : "new_message", ephemeral, null);
    }
}
