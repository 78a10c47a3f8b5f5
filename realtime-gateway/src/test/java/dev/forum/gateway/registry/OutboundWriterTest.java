package dev.forum.gateway.registry;

import dev.forum.gateway.endpoint.DisconnectCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundWriterTest {

    private final List<String> drops = new ArrayList<>();
    private final List<String> writes = new ArrayList<>();
    private final DeliveryListener listener = new DeliveryListener() {
        @Override
        public void written(OutboundFrame frame) {
            writes.add(frame.text());
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
    void framesGoStraightToASocketWithRoomInOrder() {
        RecordingSink sink = new RecordingSink();
        OutboundWriter writer = new OutboundWriter(100_000, sink, listener);
        for (int i = 0; i < 10_000; i++) {
            writer.enqueue(frame("f" + i, false));
        }
        assertThat(sink.sent).hasSize(10_000).startsWith("f0", "f1").endsWith("f9999");
        assertThat(writes).isEqualTo(sink.sent);
        assertThat(writer.queuedBytes()).isZero();
    }

    @Test
    void fullSocketKeepsFramesQueuedUntilItDrainsThenWritesThemInOrder() {
        RecordingSink sink = new RecordingSink();
        OutboundWriter writer = new OutboundWriter(1000, sink, listener);
        writer.enqueue(frame("a", false));
        sink.fill();
        writer.enqueue(frame("b", false));
        writer.enqueue(frame("c", false));
        assertThat(sink.sent).containsExactly("a");
        assertThat(writer.queuedBytes()).isEqualTo(2);

        sink.drain();

        assertThat(sink.sent).containsExactly("a", "b", "c");
        assertThat(writer.queuedBytes()).isZero();
    }

    @Test
    void framesAreWrittenOnTheSocketsThreadOneTaskPerBurst() {
        RecordingSink sink = new RecordingSink();
        sink.deferTasks();
        OutboundWriter writer = new OutboundWriter(1000, sink, listener);
        writer.enqueue(frame("a", false));
        writer.enqueue(frame("b", false));
        writer.enqueue(frame("c", false));
        assertThat(sink.sent).isEmpty();

        assertThat(sink.runTasks()).isEqualTo(1);

        assertThat(sink.sent).containsExactly("a", "b", "c");
        writer.enqueue(frame("d", false));
        assertThat(sink.runTasks()).isEqualTo(1);
        assertThat(sink.sent).containsExactly("a", "b", "c", "d");
    }

    @Test
    void theSameBytesAreHandedToEveryConnection() {
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        OutboundWriter one = new OutboundWriter(1000, first, listener);
        OutboundWriter two = new OutboundWriter(1000, second, listener);
        OutboundFrame shared = frame("{\"type\":\"new_message\"}", false);
        one.enqueue(shared);
        two.enqueue(shared);
        assertThat(first.written.get(0)).isSameAs(shared.utf8());
        assertThat(second.written.get(0)).isSameAs(shared.utf8());
    }

    @Test
    void stalledSocketDropsTypingFirstThenClosesSlow() {
        RecordingSink sink = new RecordingSink();
        sink.fill();
        OutboundWriter writer = new OutboundWriter(20, sink, listener);
        writer.enqueue(frame("event-00", false));
        writer.enqueue(frame("typing-1", true));
        writer.enqueue(frame("event-01", false));
        assertThat(drops).containsExactly("queue_full_ephemeral");
        assertThat(sink.closeCode).isNull();
        writer.enqueue(frame("event-03-too-much", false));
        assertThat(sink.closeCode).isEqualTo(DisconnectCode.SLOW.code());
        assertThat(writer.isClosed()).isTrue();
        assertThat(writer.enqueue(frame("later", false))).isFalse();
        sink.drain();
        assertThat(sink.sent).isEmpty();
    }

    @Test
    void closedSocketStopsTheWriter() {
        RecordingSink sink = new RecordingSink();
        sink.closeSocket();
        OutboundWriter writer = new OutboundWriter(100, sink, listener);
        writer.enqueue(frame("a", false));
        assertThat(writer.isClosed()).isTrue();
        assertThat(writes).isEmpty();
    }

    @Test
    void concurrentProducersAndDrainsLoseNothingAndKeepEachProducersOrder() throws Exception {
        RecordingSink sink = new RecordingSink();
        OutboundWriter writer = new OutboundWriter(10_000_000, sink, listener);
        int perProducer = 20_000;
        List<Thread> threads = new ArrayList<>();
        for (String producer : List.of("p", "q")) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    writer.enqueue(frame(producer + i, false));
                }
            }));
        }
        threads.add(new Thread(() -> {
            for (int i = 0; i < 2_000; i++) {
                sink.fill();
                sink.drain();
            }
        }));
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        sink.drain();

        List<String> sent;
        synchronized (sink) {
            sent = List.copyOf(sink.sent);
        }
        assertThat(sent).hasSize(2 * perProducer);
        assertThat(sent.stream().filter(s -> s.startsWith("p")).map(s -> Integer.parseInt(s.substring(1))))
                .isSorted();
        assertThat(sent.stream().filter(s -> s.startsWith("q")).map(s -> Integer.parseInt(s.substring(1))))
                .isSorted();
    }

    static OutboundFrame frame(String text, boolean ephemeral) {
        return new OutboundFrame(text.getBytes(StandardCharsets.UTF_8), ephemeral ? "user_typing" : "new_message",
                ephemeral, null);
    }
}
