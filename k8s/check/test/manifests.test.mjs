// Every overlay renders, every object is valid against its schema, workloads are hardened, and the
// manifests agree with the services' configuration and with each other.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { containerPort, podLabels, podPort, selectedWorkloads, selects, serviceWorkload, SERVICES, workloads } from "../lib/objects.mjs";
import { ContainerConfig, readProperties } from "../lib/properties.mjs";
import { id, OVERLAYS, render, ROOT } from "../lib/render.mjs";
import { validate } from "../lib/schema.mjs";

const operations = readFileSync(join(ROOT, "docs/operations.md"), "utf8");

function durationSeconds(value) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  assert.ok(m, `not a duration: ${value}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, undefined: 1 }[m[2]];
}

/** Where /q/health and /q/metrics are served: the management interface when enabled, else http. */
function observability(config) {
  const management = config.get("quarkus.management.enabled") === "true";
  const root = management ? (config.get("quarkus.management.root-path") ?? "/q") : "/q";
  const under = (path, fallback) => {
    const value = path ?? fallback;
    return value.startsWith("/") ? value : `${root}/${value}`;
  };
  return {
    port: management ? Number(config.get("quarkus.management.port") ?? 9000) : Number(config.get("quarkus.http.port")),
    portName: management ? "management" : "http",
    health: under(config.get("quarkus.smallrye-health.root-path"), "health"),
    metrics: under(config.get("quarkus.micrometer.export.prometheus.path"), "metrics"),
  };
}

for (const overlay of OVERLAYS) {
  describe(`overlay ${overlay}`, () => {
    const objects = render(`overlays/${overlay}`);
    const secrets = objects.filter((o) => o.kind === "Secret");

    test("renders the three services", () => {
      for (const service of SERVICES) {
        assert.ok(serviceWorkload(objects, service), `${service} Deployment`);
        assert.ok(objects.find((o) => o.kind === "Service" && o.metadata.name === service), `${service} Service`);
      }
    });

    test("every object is valid against its schema (unknown fields included)", async () => {
      const problems = [];
      for (const object of objects) {
        for (const problem of await validate(object)) {
          problems.push(`${id(object)}: ${problem}`);
        }
      }
      assert.deepEqual(problems, []);
    });

    test("every pod runs hardened, with requests and limits", () => {
      for (const w of workloads(objects)) {
        const pod = w.spec.template.spec;
        const where = id(w);
        assert.equal(pod.securityContext?.runAsNonRoot, true, `${where} runAsNonRoot`);
        assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault", `${where} seccomp`);
        assert.equal(pod.automountServiceAccountToken, false, `${where} automountServiceAccountToken`);
        for (const c of pod.containers) {
          const at = `${where} container ${c.name}`;
          assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${at} allowPrivilegeEscalation`);
          assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${at} readOnlyRootFilesystem`);
          assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"], `${at} drops ALL capabilities`);
          assert.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${at} requests`);
          assert.ok(c.resources?.limits?.memory, `${at} memory limit`);
        }
      }
    });

    for (const service of SERVICES) {
      test(`${service} matches its application.properties`, () => {
        const w = serviceWorkload(objects, service);
        const pod = w.spec.template.spec;
        const container = pod.containers.find((c) => c.name === service);
        assert.ok(container, `container named ${service}`);
        const props = readProperties(service);
        const config = new ContainerConfig(props, container);

        const image = `${props.get("quarkus.container-image.group")}/${props.get("quarkus.container-image.name")}`;
        assert.match(container.image, new RegExp(`(^|/)${image}(:|@)`), "image name built by Jib");
        assert.deepEqual((container.ports ?? []).map((p) => p.containerPort).sort(),
          props.get("quarkus.jib.ports").split(",").map(Number).sort(), "the ports the image exposes (quarkus.jib.ports)");

        assert.equal(containerPort(container, "http")?.containerPort, Number(config.get("quarkus.http.port")), "http port");
        const obs = observability(config);
        assert.equal(containerPort(container, obs.portName)?.containerPort, obs.port, `${obs.portName} port`);
        for (const [probe, path] of [["startupProbe", "started"], ["livenessProbe", "live"], ["readinessProbe", "ready"]]) {
          assert.equal(container[probe]?.httpGet?.path, `${obs.health}/${path}`, `${probe} path`);
          assert.equal(container[probe]?.httpGet?.port, obs.portName, `${probe} port`);
        }
        for (const monitor of objects.filter((o) => o.kind === "PodMonitor" && selects(o.spec.selector, podLabels(w)))) {
          assert.deepEqual(monitor.spec.podMetricsEndpoints.map((e) => [e.port, e.path]), [[obs.portName, obs.metrics]],
            `${id(monitor)} scrapes ${obs.metrics} on ${obs.portName}`);
        }

        const unread = (container.env ?? []).map((e) => e.name).filter((name) => !config.reads(name));
        assert.deepEqual(unread, [], "env vars the service never reads (typos?)");
        assert.deepEqual(config.unresolved(), [], "properties without a value in the container");
        assert.ok(pod.volumes?.some((v) => v.emptyDir) && container.volumeMounts?.some((m) => m.mountPath === "/tmp"),
          "a writable /tmp (emptyDir) beside the read-only root filesystem");
        assert.ok(objects.some((o) => o.kind === "PodDisruptionBudget" && selects(o.spec.selector, podLabels(w))), "a PodDisruptionBudget");
        assert.ok(pod.topologySpreadConstraints?.some((t) => t.topologyKey === "kubernetes.io/hostname"), "spread over nodes");
      });
    }

    test("the gateway's grace period covers preStop and the drain", () => {
      const w = serviceWorkload(objects, "realtime-gateway");
      const pod = w.spec.template.spec;
      const container = pod.containers[0];
      const config = new ContainerConfig(readProperties("realtime-gateway"), container);
      const preStop = container.lifecycle?.preStop?.sleep?.seconds;
      assert.ok(preStop >= 5, "preStop sleep while the endpoint is removed");
      const drain = durationSeconds(config.get("quarkus.shutdown.delay")) + durationSeconds(config.get("quarkus.shutdown.timeout"));
      assert.ok(pod.terminationGracePeriodSeconds >= preStop + drain + 5,
        `grace ${pod.terminationGracePeriodSeconds}s < preStop ${preStop}s + drain ${drain}s + 5s`);
    });

    test("the Ingress lets an image upload of forum.uploads.max-bytes reach forum-api", () => {
      const w = serviceWorkload(objects, "forum-api");
      const container = w.spec.template.spec.containers.find((c) => c.name === "forum-api");
      const maxUpload = Number(new ContainerConfig(readProperties("forum-api"), container).get("forum.uploads.max-bytes"));
      for (const ingress of objects.filter((o) => o.kind === "Ingress")) {
        const limit = nginxSize(ingress.metadata.annotations?.["nginx.ingress.kubernetes.io/proxy-body-size"] ?? "1m");
        assert.ok(limit > maxUpload, `${id(ingress)} proxy-body-size ${limit} B must exceed forum.uploads.max-bytes ${maxUpload} B`
          + " (forum-api answers a too-large upload with its JSON 413; nginx would cut it first)");
      }
    });

    test("selectors, ports and references resolve", () => {
      for (const svc of objects.filter((o) => o.kind === "Service")) {
        const targets = selectedWorkloads(objects, { matchLabels: svc.spec.selector });
        assert.ok(targets.length > 0, `${id(svc)} selects pods`);
        for (const port of svc.spec.ports) {
          assert.ok(targets.every((w) => podPort(w, port.targetPort ?? port.port)), `${id(svc)} targetPort ${port.targetPort}`);
        }
      }
      for (const pdb of objects.filter((o) => o.kind === "PodDisruptionBudget")) {
        assert.ok(selectedWorkloads(objects, pdb.spec.selector).length > 0, `${id(pdb)} selects pods`);
      }
      for (const np of objects.filter((o) => o.kind === "NetworkPolicy")) {
        const pods = selectedWorkloads(objects, np.spec.podSelector);
        assert.ok(pods.length > 0, `${id(np)} selects pods`);
        for (const rule of np.spec.ingress ?? []) {
          for (const port of rule.ports ?? []) {
            assert.ok(pods.every((w) => podPort(w, port.port)), `${id(np)} port ${port.port} exists on its pods`);
          }
          for (const from of rule.from ?? []) {
            if (from.podSelector && !from.namespaceSelector) {
              assert.ok(selectedWorkloads(objects, from.podSelector).length > 0, `${id(np)} peers exist`);
            }
          }
        }
      }
      for (const ingress of objects.filter((o) => o.kind === "Ingress")) {
        for (const path of ingress.spec.rules.flatMap((r) => r.http.paths)) {
          const { name, port } = path.backend.service;
          const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === name);
          assert.ok(svc?.spec.ports.some((p) => p.name === port.name || p.port === port.number), `${id(ingress)} -> ${name}:${port.name ?? port.number}`);
        }
      }
      for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) {
        const target = workloads(objects).find((w) => w.kind === hpa.spec.scaleTargetRef.kind && w.metadata.name === hpa.spec.scaleTargetRef.name);
        assert.ok(target, `${id(hpa)} target exists`);
        assert.equal(target.spec.replicas, undefined, `${id(target)} has no fixed replica count beside ${id(hpa)}`);
      }
      for (const w of workloads(objects)) {
        for (const c of w.spec.template.spec.containers) {
          for (const ref of (c.env ?? []).map((e) => e.valueFrom?.secretKeyRef).filter(Boolean)) {
            const where = `${id(w)} env from ${ref.name}/${ref.key}`;
            if (secrets.length) {
              const secret = secrets.find((s) => s.metadata.name === ref.name);
              assert.ok(secret && ref.key in (secret.data ?? secret.stringData ?? {}), `${where}: generated`);
            } else {
              assert.ok(operations.includes(`\`${ref.name}\``) && operations.includes(`\`${ref.key}\``),
                `${where}: documented in docs/operations.md (Secrets)`);
            }
          }
        }
      }
    });

    test("the Ingress routes only public paths (never /api/internal/* or /q/*)", () => {
      // ingress-nginx with use-regex: each path is a case-insensitive location regex anchored at the start.
      const paths = objects.filter((o) => o.kind === "Ingress").flatMap((i) => i.spec.rules.flatMap((r) => r.http.paths));
      const route = (uri) => paths.find((p) => new RegExp(`^${p.path}`, "i").test(uri))?.backend.service.name;
      const expected = {
        "/": "forum-api", "/index.html": "forum-api", "/favicon.svg": "forum-api", "/css/app.css": "forum-api",
        "/js/views/thread.js": "forum-api", "/api/auth/login": "forum-api", "/api/forum/threads/7": "forum-api",
        "/api/admin/users/3/suspend": "forum-api", "/api/forum/ws/thread/7": "realtime-gateway",
        "/api/forum/notifications/unread-count": "notification-service",
        "/api/forum/threads/7/notifications/mute": "notification-service",
      };
      for (const [uri, service] of Object.entries(expected)) {
        assert.equal(route(uri), service, uri);
      }
      for (const uri of ["/api/internal/events?after_seq=0", "/api/internal/threads/7", "/API/Internal/events",
        "/q/metrics", "/q/openapi", "/q/health/ready", "/index.html.bak", "/api/forumx/threads"]) {
        assert.equal(route(uri), undefined, `${uri} is not routed`);
      }
    });
  });
}

describe("overlay prod", () => {
  const objects = render("overlays/prod");

  test("uses external PostgreSQL and Redis", () => {
    assert.deepEqual(workloads(objects).map((w) => w.metadata.name).sort(), [...SERVICES].sort());
  });

  test("pulls immutable tags (<version>-<git sha>) from a registry", () => {
    for (const service of SERVICES) {
      const container = serviceWorkload(objects, service).spec.template.spec.containers[0];
      assert.match(container.image, /^[a-z0-9.-]+\.[a-z]+(:\d+)?\/.+:\d+\.\d+\.\d+-[0-9a-f]{7,40}$/, `${service} image`);
      assert.equal(container.imagePullPolicy, "IfNotPresent");
    }
  });

  test("has alerts, a pod monitor and the Grafana dashboard", () => {
    assert.ok(objects.some((o) => o.kind === "PrometheusRule"));
    assert.ok(objects.some((o) => o.kind === "PodMonitor"));
    const dashboard = objects.find((o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1");
    assert.ok(JSON.parse(dashboard.data["forum.json"]).panels.length > 0);
  });
});

/** ingress-nginx's size syntax (client_max_body_size): bytes, or k/m/g suffixes in powers of 1024; 0 is unlimited. */
function nginxSize(value) {
  const m = /^(\d+)([kKmMgG]?)$/.exec(String(value).trim());
  assert.ok(m, `size ${value}`);
  const n = Number(m[1]);
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase()];
  return n === 0 ? Infinity : n * unit;
}
