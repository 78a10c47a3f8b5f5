package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port, scraping given
 * targets every second and evaluating given rule files every second. Its data and log live in the
 * stack's log directory; {@link #close()} stops it.
 */
public final class Prometheus implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final YAMLMapper YAML = new YAMLMapper();

    /** A scrape target: the address, and the labels the prometheus-operator's PodMonitor would give it. */
    public record Target(String address, String namespace, String pod, String container) {
    }

    private final Path dir;
    private final int port;
    private final Process process;

    private Prometheus(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Writes the configuration (targets, rule files copied beside it) and starts Prometheus. */
    public static Prometheus start(Path dir, List<Target> targets, List<JsonNode> ruleFiles) {
        try {
            Files.createDirectories(dir);
            ObjectNode config = YAML.createObjectNode();
            config.putObject("global").put("scrape_interval", "1s").put("evaluation_interval", "1s");
            List<String> rules = new ArrayList<>();
            for (int i = 0; i < ruleFiles.size(); i++) {
                Path file = dir.resolve("rules-" + i + ".yaml");
                YAML.writeValue(file.toFile(), ruleFiles.get(i));
                rules.add(file.toString());
            }
            config.set("rule_files", YAML.valueToTree(rules));
            ObjectNode job = config.putArray("scrape_configs").addObject();
            job.put("job_name", "forum").put("metrics_path", "/q/metrics");
            var statics = job.putArray("static_configs");
            for (Target target : targets) {
                ObjectNode entry = statics.addObject();
                entry.putArray("targets").add(target.address());
                entry.putObject("labels").put("namespace", target.namespace()).put("pod", target.pod())
                        .put("container", target.container());
            }
            Path configFile = dir.resolve("prometheus.yml");
            YAML.writeValue(configFile.toFile(), config);
            return launch(dir, configFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Prometheus launch(Path dir, Path configFile) throws IOException {
        int port = Ports.free();
        Process started = new ProcessBuilder("prometheus", "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("prometheus.log").toFile()))
                .start();
        Prometheus prometheus = new Prometheus(dir, port, started);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (prometheus.status("/-/ready") != 200) {
            if (System.nanoTime() > deadline || !started.isAlive()) {
                prometheus.close();
                throw new IllegalStateException("prometheus did not start; see " + dir.resolve("prometheus.log"));
            }
            ServiceProcess.sleep(100);
        }
        return prometheus;
    }

    /** The result vector of an instant query (PromQL). */
    public JsonNode query(String promql) {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asText())) {
            throw new IllegalStateException(promql + ": " + answer);
        }
        return answer.path("data").path("result");
    }

    /** Active alerts (pending or firing). */
    public JsonNode alerts() {
        return get("/api/v1/alerts").path("data").path("alerts");
    }

    /** The loaded rule groups, as /api/v1/rules reports them. */
    public JsonNode ruleGroups() {
        return get("/api/v1/rules").path("data").path("groups");
    }

    private JsonNode get(String pathAndQuery) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            return ForumHttp.JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
