package dev.forum.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventPageTest {

    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());

    @Test
    void legacyPageIsWrittenAsBeforeSharding() throws Exception {
        assertEquals("{\"events\":[],\"head_seq\":9,\"oldest_seq\":1,\"resync_required\":false}",
                mapper.writeValueAsString(new EventPage(List.of(), 9, 1, false)));
    }

    @Test
    void shardPageNamesItsShardEpochAndCount() throws Exception {
        EventPage page = new EventPage(List.of(), 9, 1, false, -1, 2, 16);

        String json = mapper.writeValueAsString(page);

        assertEquals("{\"events\":[],\"head_seq\":9,\"oldest_seq\":1,\"resync_required\":false,"
                + "\"shard\":-1,\"shard_epoch\":2,\"shard_count\":16}", json);
        assertEquals(page, mapper.readValue(json, EventPage.class));
    }

    @Test
    void pageOfAnOlderEpochNamesTheCurrentOne() throws Exception {
        EventPage old = new EventPage(List.of(), 40, 1, false, 3, 1, 16, 2, 4);

        String json = mapper.writeValueAsString(old);

        assertEquals("{\"events\":[],\"head_seq\":40,\"oldest_seq\":1,\"resync_required\":false,"
                + "\"shard\":3,\"shard_epoch\":1,\"shard_count\":16,\"current_shard_epoch\":2,"
                + "\"current_shard_count\":4}", json);
        assertEquals(old, mapper.readValue(json, EventPage.class));
        assertEquals(2, old.latestShardEpoch());
        assertEquals(1, new EventPage(List.of(), 9, 1, false, -1, 1, 16).latestShardEpoch());
    }

    @Test
    void positionsReadShardKeysFromText() throws Exception {
        EventPositions positions = mapper.readValue(
                "{\"shard_epoch\":1,\"positions\":{\"3\":120,\"-1\":55},\"limit\":100}", EventPositions.class);

        assertEquals(new EventPositions(1, Map.of(3, 120L, -1, 55L), 100), positions);
        assertEquals("/api/internal/events/positions", EventPositions.PATH);
    }

    @Test
    void positionsWithoutEpochOrLimitLeaveThemAbsent() throws Exception {
        EventPositions positions = mapper.readValue("{\"positions\":{\"0\":0}}", EventPositions.class);

        assertEquals(new EventPositions(null, Map.of(0, 0L), null), positions);
        assertEquals("{\"positions\":{\"0\":0}}", mapper.writeValueAsString(positions));
    }

    @Test
    void positionPagesRoundTrip() throws Exception {
        EventPositionPages answer = new EventPositionPages(1, 16,
                List.of(new EventPage(List.of(), 55, 1, false, -1, 1, 16),
                        new EventPage(List.of(), 130, 100, false, 3, 1, 16)));

        String json = mapper.writeValueAsString(answer);

        assertEquals(answer, mapper.readValue(json, EventPositionPages.class));
        assertEquals(true, json.startsWith("{\"shard_epoch\":1,\"shard_count\":16,\"pages\":[{"), json);
    }
}
