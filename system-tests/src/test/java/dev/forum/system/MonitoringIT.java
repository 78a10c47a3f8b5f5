package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitoring of k8s/components/monitoring against the running stack: each service's scrape passes
 * {@code promtool check metrics}; a real Prometheus scrapes the stack with the PrometheusRule's alerts
 * loaded; every query of the Grafana dashboard returns series; and {@code ForumGatewayFeedPolling} fires
 * while Redis is stopped and resolves once it is back. The alerts' expressions are the deployed ones;
 * their {@code for} durations are cut to 1 s here (promtool test rules covers the durations).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT extends StackTestBase {

    private static final Path MONITORING = Stack.projectRoot().resolve("k8s/components/monitoring");
    private static final String NAMESPACE = "forum";
    private static final String FEED_POLLING = "ForumGatewayFeedPolling";
    /** The project's own metrics; third-party binders (JVM, Agroal, Netty, Vert.x, Redis) are out of our hands. */
    private static final Pattern OWN_METRICS = Pattern.compile("(forum|gateway|notify)_|http_server_requests_");

    private Prometheus prometheus;

    @Override
    protected Stack.Builder configure(Stack.Builder builder) {
        return builder.gateways(2).withNotificationService();
    }

    @BeforeAll
    void startPrometheusAndMakeTraffic() {
        List<Prometheus.Target> targets = new ArrayList<>();
        targets.add(target(stack.forumApi(), "forum-api"));
        stack.gateways().forEach(gateway -> targets.add(target(gateway, "realtime-gateway")));
        stack.notificationService().ifPresent(service -> targets.add(target(service, "notification-service")));
        prometheus = Prometheus.start(stack.logDir().resolve("prometheus"), targets, List.of(alertRules()));
        makeTraffic();
    }

    @AfterAll
    void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    @Order(1)
    void everyServiceScrapePassesPromtoolCheckMetrics() throws Exception {
        List<ServiceProcess> services = new ArrayList<>(List.of(stack.forumApi()));
        services.addAll(stack.gateways());
        stack.notificationService().ifPresent(services::add);
        assertThat(services).hasSize(4);
        for (ServiceProcess service : services) {
            String scrape = service.get("/q/metrics");
            assertThat(scrape).contains("# HELP ");
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(counterFamiliesNamedAsSamples(scrape).getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            List<String> findings = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().filter(line -> !line.isBlank()).toList();
            promtool.waitFor();
            assertThat(findings).as(service.name() + ": the scrape parses").noneMatch(f -> f.startsWith("error"));
            assertThat(findings).as(service.name() + ": promtool findings on the project's metrics")
                    .noneMatch(f -> OWN_METRICS.matcher(f).lookingAt());
            System.out.printf("[system] MonitoringIT: %s scrape: %d lines, promtool check metrics: 0 findings on the "
                    + "project's metrics, %d on third-party binders'%n", service.name(), scrape.lines().count(),
                    findings.size());
        }
    }

    /**
     * The Prometheus client writes a counter's HELP and TYPE under its family name ({@code x}) and its sample as
     * {@code x_total}; the text-format parser of Debian's promtool (2.42) predates that and would read the sample
     * as an untyped metric without help. Naming the family as its sample restores what promtool expects.
     */
    private static String counterFamiliesNamedAsSamples(String scrape) {
        Matcher counter = Pattern.compile("^# TYPE (\\S+) counter$", Pattern.MULTILINE).matcher(scrape);
        String result = scrape;
        while (counter.find()) {
            String family = counter.group(1);
            if (!family.endsWith("_total")) {
                result = result.replace("# TYPE " + family + " counter\n", "# TYPE " + family + "_total counter\n")
                        .replace("# HELP " + family + " ", "# HELP " + family + "_total ");
            }
        }
        return result;
    }

    @Test
    @Order(2)
    void prometheusLoadsEveryAlert() {
        JsonNode spec = alertRules();
        List<String> expected = StreamSupport.stream(spec.path("groups").spliterator(), false)
                .flatMap(group -> StreamSupport.stream(group.path("rules").spliterator(), false))
                .map(rule -> rule.path("alert").asText()).toList();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> loaded = StreamSupport.stream(prometheus.ruleGroups().spliterator(), false)
                    .flatMap(group -> StreamSupport.stream(group.path("rules").spliterator(), false))
                    .filter(rule -> "ok".equals(rule.path("health").asText()))
                    .map(rule -> rule.path("name").asText()).toList();
            assertThat(loaded).containsExactlyInAnyOrderElementsOf(expected);
        });
    }

    @Test
    @Order(3)
    void everyDashboardQueryReturnsSeries() throws IOException {
        JsonNode dashboard = ForumHttp.JSON.readTree(MONITORING.resolve("dashboards/forum.json").toFile());
        List<Map.Entry<String, String>> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(Map.entry(panel.path("title").asText(), target.path("expr").asText()
                        .replace("$namespace", NAMESPACE).replace("$__rate_interval", "1m")));
            }
        }
        assertThat(queries).hasSizeGreaterThan(20);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> empty = queries.stream().filter(q -> prometheus.query(q.getValue()).isEmpty())
                    .map(q -> q.getKey() + ": " + q.getValue()).toList();
            assertThat(empty).as("dashboard queries without series").isEmpty();
        });
        System.out.printf("[system] MonitoringIT: %d dashboard queries, each returns series%n", queries.size());
    }

    @Test
    @Order(4)
    void feedPollingAlertFiresWhileRedisIsDownAndResolves() {
        assertThat(firing(FEED_POLLING)).isEmpty();
        long stoppedAt = System.nanoTime();
        stack.redis().stop();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(firing(FEED_POLLING)).as("firing for each gateway").hasSize(stack.gateways().size()));
            System.out.printf("[system] MonitoringIT: %s firing for %d gateways %d ms after Redis stopped%n",
                    FEED_POLLING, stack.gateways().size(), (System.nanoTime() - stoppedAt) / 1_000_000);
        } finally {
            stack.redis().start();
        }
        long startedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(active(FEED_POLLING)).isEmpty());
        System.out.printf("[system] MonitoringIT: %s resolved %d ms after Redis started%n",
                FEED_POLLING, (System.nanoTime() - startedAt) / 1_000_000);
    }

    /** Deliveries (with latency), typing dropped, a flood disconnect, refused upgrades, replays. */
    private void makeTraffic() {
        ForumHttp.Session alice = http.registerAndLogin(unique("mon"));
        long threadId = http.createThread(alice, "Monitoring", "start", 0).path("id").asLong();
        URI ws = stack.gateway(0).wsUri(V2);
        try (WsClient client = WsClient.connectSubscribed(ws, alice.token(), threadId)) {
            List<Long> posted = http.postMessages(alice, threadId, 5, "metrics");
            Frames.assertEveryMessageOnceInOrder(client, threadId, posted);
            client.typingOn(threadId);
            client.typingOn(threadId);
            String lastEventId = client.frames().stream().filter(Frames.ofThread(threadId))
                    .reduce((first, second) -> second).orElseThrow().path("event_id").asText();
            try (WsClient resumed = WsClient.connect(stack.gateway(1).wsUri(V2), alice.token())) {
                resumed.subscribe(threadId, lastEventId);
                resumed.await(Frames.type("subscribed", threadId), Frames.WAIT);
            }
        }
        assertThat(WsClient.handshakeStatus(ws, "not-a-session")).isEqualTo(401);
        try (WsClient flooder = WsClient.connect(ws, alice.token())) {
            int sent = 0;
            while (sent < 200 && flooder.trySendRaw("{\"type\":\"ping\"}")) { // until the gateway cuts it
                sent++;
            }
            assertThat(flooder.awaitClose(Frames.WAIT)).isEqualTo(4508);
        }
    }

    private List<JsonNode> active(String alert) {
        return StreamSupport.stream(prometheus.alerts().spliterator(), false)
                .filter(a -> alert.equals(a.path("labels").path("alertname").asText())).toList();
    }

    private List<JsonNode> firing(String alert) {
        return active(alert).stream().filter(a -> "firing".equals(a.path("state").asText())).toList();
    }

    private static Prometheus.Target target(ServiceProcess service, String container) {
        return new Prometheus.Target(URI.create(service.managementUrl()).getAuthority(), NAMESPACE, service.name(),
                container);
    }

    /** The PrometheusRule's spec (a Prometheus rule file) with every {@code for} cut to 1 s. */
    private static JsonNode alertRules() {
        try {
            JsonNode spec = new YAMLMapper().readTree(MONITORING.resolve("prometheus-rule.yaml").toFile()).path("spec");
            for (JsonNode group : spec.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (rule.has("for")) {
                        ((ObjectNode) rule).put("for", "1s");
                    }
                }
            }
            return spec;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
