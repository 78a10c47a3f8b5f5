package dev.forum.common.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the relay's publishing has to respect on a Redis Cluster, with the Vert.x cluster client: today it sends
 * each batch of events as one pipelined {@code batch()}, and in cluster mode a batch must go to one node.
 */
class ClusterPublishTest extends ClusterTestBase {

    @Test
    void aBatchOfSpublishesToChannelsOfDifferentMastersIsRefused() {
        List<Request> publishes = IntStream.range(0, 16)
                .mapToObj(shard -> Request.cmd(Command.SPUBLISH).arg("relay-test:events:{" + shard + "}").arg("x"))
                .toList();

        assertThatThrownBy(() -> batch(publishes)).hasMessageContaining("CROSSSLOT");
    }

    @Test
    void aBatchOfSpublishesToOneShardIsAccepted() throws Exception {
        List<Request> publishes = IntStream.range(0, 16)
                .mapToObj(i -> Request.cmd(Command.SPUBLISH).arg("relay-test:events:{7}").arg("event " + i))
                .toList();

        assertThat(batch(publishes)).hasSize(16).allMatch(reply -> reply.toLong() == 0);
    }

    private static List<Response> batch(List<Request> requests) throws Exception {
        return client.batch(requests).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
