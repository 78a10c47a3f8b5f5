// How k8s/check resolves a service's configuration in its container (lib/properties.mjs), as Quarkus does.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ContainerConfig } from "../lib/properties.mjs";

const props = new Map([
  ["quarkus.redis.client-type", "${client-type.${redis.mode}}"],
  ["client-type.single", "standalone"],
  ["client-type.cluster", "cluster"],
  ["redis.mode", "${REDIS_MODE:single}"],
]);
const config = (env) => new ContainerConfig(props, { env: Object.entries(env).map(([name, value]) => ({ name, value })) });

test("a property name may hold an expression, resolved with the container's env", () => {
  assert.equal(config({}).get("quarkus.redis.client-type"), "standalone");
  assert.equal(config({ REDIS_MODE: "cluster" }).get("quarkus.redis.client-type"), "cluster");
  assert.deepEqual(config({}).unresolved(), []);
});

test("a default may hold an expression", () => {
  const nested = new ContainerConfig(new Map([["a", "${A:${B:fallback}}"]]), { env: [] });
  assert.equal(nested.get("a"), "fallback");
});
