// The Redis Cluster option (components/redis-cluster, components/redis-cluster-mode, overlay
// prod-redis-cluster): the StatefulSet, the create Job, the headless Service and the network
// policies agree with each other and with the node configuration, and the services run in cluster mode.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { containerPort, podLabels, selects, serviceWorkload, SERVICES, workloads } from "../lib/objects.mjs";
import { ContainerConfig, envName, readProperties } from "../lib/properties.mjs";
import { K8S, render, ROOT } from "../lib/render.mjs";

const objects = render("overlays/prod-redis-cluster");
const nodes = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "redis-cluster");
const job = objects.find((o) => o.kind === "Job" && o.metadata.name === "redis-cluster-create");
const node = nodes.spec.template.spec.containers[0];
const creator = job.spec.template.spec.containers[0];
const SCRIPTS = join(K8S, "components/redis-cluster/config");
// users.acl of the cluster: the services' users (one Redis or a cluster) and the cluster's own
const aclTemplate = ["scripts/redis-users.acl.template", "scripts/redis-cluster-users.acl.template"]
  .map((f) => readFileSync(join(ROOT, f), "utf8")).join("\n");

const env = (container, name) => container.env?.find((e) => e.name === name)?.value;
/** The ConfigMap mounted at a path of a container, and the mount. */
function mounted(workload, container, path) {
  const mount = container.volumeMounts.find((m) => path.startsWith(m.mountPath));
  const volume = workload.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
  const configMap = volume?.configMap && objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === volume.configMap.name);
  return { mount, volume, configMap };
}
/** Directives of redis.conf: name -> value. */
function redisConf(text) {
  return new Map(text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    .map((l) => [l.split(/\s+/)[0], l.slice(l.search(/\s/) + 1).trim()]));
}
/** True when a NetworkPolicy selecting `to` admits pods of `from` on `to`'s port `port` (name). */
function admits(to, from, port) {
  const number = to.spec.template.spec.containers.map((c) => containerPort(c, port)?.containerPort).find(Boolean);
  return objects.filter((o) => o.kind === "NetworkPolicy" && selects(o.spec.podSelector, podLabels(to)))
    .some((np) => (np.spec.ingress ?? []).some((rule) =>
      (rule.from ?? []).some((peer) => !peer.namespaceSelector && selects(peer.podSelector, podLabels(from)))
      && (!rule.ports || rule.ports.some((p) => p.port === port || p.port === number))));
}

describe("overlay prod-redis-cluster", () => {
  const config = mounted(nodes, node, "/etc/redis-cluster/redis.conf").configMap;
  const conf = redisConf(config.data["redis.conf"]);

  test("the Job creates the StatefulSet's nodes as at least 3 masters with their replicas", () => {
    const count = Number(env(creator, "NODES"));
    const perMaster = Number(env(creator, "REPLICAS_PER_MASTER"));
    assert.equal(count, nodes.spec.replicas, "NODES is the StatefulSet's replica count");
    assert.equal(count % (1 + perMaster), 0, "every master gets the same number of replicas");
    assert.ok(count / (1 + perMaster) >= 3, "a majority of masters survives one master's loss");
    assert.ok(perMaster >= 1, "a replica per master to take over its slots");
    assert.deepEqual(creator.command, ["sh", "/etc/redis-cluster/create-cluster.sh"]);
    assert.equal(mounted(job, creator, "/etc/redis-cluster/").configMap, config, "the same scripts as the nodes");
    assert.ok(config.data["create-cluster.sh"].includes("--cluster-replicas \"$REPLICAS_PER_MASTER\""));
  });

  test("every node runs cluster-enabled, its node file on its own volume", () => {
    assert.equal(conf.get("cluster-enabled"), "yes");
    const data = node.volumeMounts.find((m) => m.name === "data");
    assert.ok(nodes.spec.volumeClaimTemplates.some((c) => c.metadata.name === "data"), "a volume per pod");
    assert.ok(conf.get("cluster-config-file").startsWith(`${data.mountPath}/`), "nodes.conf on the volume");
    assert.equal(conf.get("dir"), data.mountPath);
    assert.ok(config.data["start.sh"].includes(`conf=${conf.get("cluster-config-file")}`), "start.sh refreshes that file");
    assert.deepEqual(node.command, ["sh", "/etc/redis-cluster/start.sh"]);
    assert.equal(Number(conf.get("port")), containerPort(node, "redis").containerPort);
    assert.equal(containerPort(node, "bus").containerPort, Number(conf.get("port")) + 10000, "the bus port Redis derives");
    assert.equal(nodes.spec.podManagementPolicy, "Parallel", "no node is ready before the Job ran: all start at once");
  });

  test("ACL users and the replication credentials come from the mounted Secret", () => {
    const secrets = node.volumeMounts.find((m) => m.name === "secrets").mountPath;
    assert.equal(conf.get("aclfile"), `${secrets}/users.acl`);
    assert.equal(conf.get("include"), `${secrets}/replication.conf`);
    const volume = nodes.spec.template.spec.volumes.find((v) => v.name === "secrets");
    assert.deepEqual(volume.secret.items.map((i) => i.path).sort(), ["replication.conf", "users.acl"]);
  });

  test("the headless Service names every pod before it is ready", () => {
    const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === nodes.spec.serviceName);
    assert.ok(svc, `Service ${nodes.spec.serviceName}`);
    assert.equal(svc.spec.clusterIP, "None");
    assert.equal(svc.spec.publishNotReadyAddresses, true);
    assert.ok(selects({ matchLabels: svc.spec.selector }, podLabels(nodes)));
    assert.equal(env(node, "CLUSTER_SERVICE"), svc.metadata.name);
    assert.equal(env(creator, "CLUSTER_SERVICE"), svc.metadata.name);
  });

  test("probes: alive on the port, ready once the cluster is healthy", () => {
    assert.equal(node.livenessProbe?.tcpSocket?.port, "redis");
    assert.deepEqual(node.readinessProbe?.exec?.command, ["sh", "/etc/redis-cluster/ready.sh"]);
    assert.match(config.data["ready.sh"], /cluster_state:ok/);
    assert.ok(objects.some((o) => o.kind === "PodDisruptionBudget" && o.spec.maxUnavailable === 1
      && selects(o.spec.selector, podLabels(nodes))), "one node at a time");
  });

  test("the services and the Job reach the nodes, the nodes each other on both ports", () => {
    for (const service of SERVICES) {
      assert.ok(admits(nodes, serviceWorkload(objects, service), "redis"), `${service} -> redis`);
    }
    assert.ok(admits(nodes, job, "redis"), "Job -> redis");
    assert.ok(admits(nodes, nodes, "redis") && admits(nodes, nodes, "bus"), "node -> node");
    const others = workloads(objects).filter((w) => w !== nodes && w !== job && !SERVICES.includes(w.metadata.name));
    assert.deepEqual(others.filter((w) => admits(nodes, w, "redis")).map((w) => w.metadata.name), []);
  });

  for (const [service, variable] of [["forum-api", "FORUM_REDIS_MODE"], ["realtime-gateway", "GATEWAY_REDIS_MODE"],
    ["notification-service", "NOTIFY_REDIS_MODE"]]) {
    test(`${service} runs in cluster mode`, () => {
      const container = serviceWorkload(objects, service).spec.template.spec.containers[0];
      const props = readProperties(service);
      const config = new ContainerConfig(props, container);
      const keys = [...props.keys()].map((k) => k.replace(/^%prod\./, ""))
        .filter((k) => envName(k) === variable || props.get(k)?.includes(`\${${variable}`));
      assert.ok(keys.length > 0, `a property read from ${variable}`);
      for (const key of keys) {
        assert.equal(config.get(key), "cluster", key);
      }
    });
  }

  test("the users the scripts and the services log in as exist, with sharded pub/sub rights", () => {
    const users = new Map(aclTemplate.split("\n").filter((l) => l.startsWith("user ")).map((l) => [l.split(" ")[1], l]));
    assert.match(users.get("default"), / off$/);
    assert.match(config.data["ready.sh"], /--user probe/);
    assert.match(config.data["create-cluster.sh"], /--user admin/);
    for (const user of ["probe", "admin", "replication"]) {
      assert.ok(users.has(user), `user ${user}`);
    }
    assert.match(users.get("replication"), /\+psync/);
    assert.match(users.get("forum-api"), /\+spublish/);
    for (const user of ["gateway", "notification-service"]) {
      assert.match(users.get(user), /\+ssubscribe \+sunsubscribe/, user);
    }
    for (const user of ["forum-api", "gateway", "notification-service"]) {
      const rules = users.get(user).replace(/\(.*\)/, "");
      for (const command of ["+cluster|slots", "+asking"]) {
        assert.ok(rules.indexOf(command) > rules.lastIndexOf("-@dangerous"), `${user}: ${command} (the cluster client's slot map)`);
      }
    }
  });

  test("the scripts are valid POSIX shell", () => {
    for (const script of ["start.sh", "ready.sh", "create-cluster.sh"]) {
      execFileSync("sh", ["-n", join(SCRIPTS, script)]);
    }
  });
});
