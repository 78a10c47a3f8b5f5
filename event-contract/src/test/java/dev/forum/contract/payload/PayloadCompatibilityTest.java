package dev.forum.contract.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events as the previous version wrote them (fixtures/v1: envelopes captured on the wire from every producer of the
 * release before the typed payloads: forum-api's relay and feed, notification-service's pushes, the gateway's typing)
 * are read by today's records, and today's records write them back with the same fields and values.
 */
class PayloadCompatibilityTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/v1");
    /** What the services' Quarkus mappers do with java.time: ISO-8601 text. */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** A fixture: its file name, the wire text and the envelope read from it. */
    record Fixture(String name, String text, EventEnvelope envelope) {
        @Override
        public String toString() {
            return name;
        }

        /** The payload's JSON text exactly as it was on the wire (the envelope's last field). */
        String payloadText() {
            int at = text.indexOf("\"payload\":") + "\"payload\":".length();
            return text.substring(at, text.lastIndexOf('}'));
        }

        /** Written by forum-api's relay: payload text as the producer wrote it (the feed and jsonb re-encode it). */
        boolean isForumApiOriginal() {
            return envelope.seq() != null && !name.contains(".feed_");
        }
    }

    static Stream<Fixture> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.sorted().map(PayloadCompatibilityTest::fixture).toList().stream();
        }
    }

    private static Fixture fixture(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return new Fixture(file.getFileName().toString(), text, JSON.readValue(text, EventEnvelope.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyEventTypeHasAFixture() throws IOException {
        Set<String> covered = fixtures().map(f -> f.envelope().type().wireName()).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>(Arrays.stream(EventType.values()).map(EventType::wireName).toList());
        missing.removeAll(covered);

        assertEquals(Set.of(), missing);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void previousVersionEventsReadIntoTheirRecord(Fixture fixture) {
        EventPayload payload = EventPayloads.read(JSON, fixture.envelope(), fixture.envelope().type().payloadType());

        assertEquals(fixture.envelope().type(), EventType.of(payload.getClass()));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void recordsWriteTheFieldsAndValuesOfThePreviousVersion(Fixture fixture) throws IOException {
        EventPayload payload = EventPayloads.read(JSON, fixture.envelope(), fixture.envelope().type().payloadType());

        JsonNode written = JSON.readTree(JSON.writeValueAsString(EventPayloads.tree(JSON, payload)));

        assertEquals(fixture.envelope().payload(), written, "same fields, same values (in any order)");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void forumApiPayloadsAreWrittenByteForByteAsBefore(Fixture fixture) throws IOException {
        if (!fixture.isForumApiOriginal()) {
            return;
        }
        EventPayload payload = EventPayloads.read(JSON, fixture.envelope(), fixture.envelope().type().payloadType());

        assertEquals(fixture.payloadText(), JSON.writeValueAsString(payload));
    }

    @Test
    void payloadOfANewerVersionIsRefused() throws IOException {
        EventEnvelope v1 = fixtures().filter(f -> f.name().equals("new_message.json")).findFirst().orElseThrow()
                .envelope();
        EventEnvelope v2 = new EventEnvelope(v1.eventId(), v1.seq(), v1.type(), 2, v1.aggregateType(),
                v1.aggregateId(), v1.audience(), v1.threadId(), v1.userId(), v1.minTierCents(), v1.committedAt(),
                v1.payload());

        assertThrows(IllegalArgumentException.class, () -> EventPayloads.read(JSON, v2, NewMessage.class));
    }

    @Test
    void payloadReadAsAnotherTypesRecordIsRefused() throws IOException {
        EventEnvelope newMessage = fixtures().filter(f -> f.name().equals("new_message.json")).findFirst()
                .orElseThrow().envelope();

        assertThrows(IllegalArgumentException.class, () -> EventPayloads.read(JSON, newMessage, MessageEdited.class));
    }

    @Test
    void fieldsAddedByANewerProducerAreIgnored() throws IOException {
        EventEnvelope typing = fixtures().filter(f -> f.name().equals("user_typing.json")).findFirst().orElseThrow()
                .envelope();
        typing.payload().put("added_later", "x");

        assertEquals(new UserTyping(1, "alice", true), EventPayloads.read(JSON, typing, UserTyping.class));
    }

    @Test
    void payloadWithoutARequiredFieldIsRefused() throws IOException {
        EventEnvelope followed = fixtures().filter(f -> f.name().equals("thread_followed.json")).findFirst()
                .orElseThrow().envelope();
        followed.payload().remove("user_id");

        assertThrows(IllegalArgumentException.class, () -> EventPayloads.read(JSON, followed, ThreadFollowed.class));
    }

    @Test
    void everyTypeHasItsOwnRecord() {
        List<Class<? extends EventPayload>> records = Arrays.stream(EventType.values()).map(EventType::payloadType)
                .collect(Collectors.toList());

        assertEquals(records.size(), Set.copyOf(records).size());
        assertTrue(Arrays.stream(EventPayload.class.getPermittedSubclasses()).allMatch(records::contains));
    }
}
