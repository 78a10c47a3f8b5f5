// The alerts pass promtool's checks and unit tests, link to their runbooks, and the dashboard's queries
// parse; every metric they use is documented.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { dashboard, dashboardQueries, MONITORING, promtool, ruleFile } from "../lib/monitoring.mjs";
import { ROOT } from "../lib/render.mjs";

const alerts = ruleFile.groups.flatMap((g) => g.rules).filter((r) => r.alert);
const operations = readFileSync(join(ROOT, "docs/operations.md"), "utf8");
const metricsDoc = readFileSync(join(ROOT, "docs/metrics.md"), "utf8");

test("promtool check rules accepts the alerts", () => {
  const out = promtool(["check", "rules", "forum-alerts.rules.yaml"], { "forum-alerts.rules.yaml": ruleFile });
  assert.match(out, new RegExp(`SUCCESS: ${alerts.length} rules found`));
});

test("promtool test rules passes alerts.test.yaml", () => {
  const out = promtool(["test", "rules", "alerts.test.yaml"], {
    "forum-alerts.rules.yaml": ruleFile,
    "alerts.test.yaml": { copyFrom: join(MONITORING, "alerts.test.yaml") },
  });
  assert.match(out, /SUCCESS/);
});

test("every alert is unit-tested and has a severity and a runbook section in docs/operations.md", () => {
  const tests = readFileSync(join(MONITORING, "alerts.test.yaml"), "utf8");
  for (const alert of alerts) {
    assert.match(tests, new RegExp(`alertname: ${alert.alert}\\b`), `${alert.alert} has a test`);
    assert.ok(["warning", "critical"].includes(alert.labels?.severity), `${alert.alert} severity`);
    assert.equal(alert.annotations?.runbook_url, `docs/operations.md#${alert.alert.toLowerCase()}`);
    assert.match(operations, new RegExp(`^### ${alert.alert}$`, "m"), `${alert.alert} runbook heading`);
  }
});

test("every dashboard query parses (promtool, as recording rules)", () => {
  const queries = dashboardQueries();
  assert.ok(queries.length >= 20);
  const rules = { groups: [{ name: "dashboard", rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr })) }] };
  promtool(["check", "rules", "dashboard.rules.yaml"], { "dashboard.rules.yaml": rules });
  for (const panel of dashboard.panels.filter((p) => p.type !== "row")) {
    assert.ok(panel.targets?.length, `${panel.title} has queries`);
  }
});

test("every metric used by the alerts and the dashboard is documented in docs/metrics.md", () => {
  const exprs = [...alerts.map((a) => a.expr), ...dashboardQueries().map((q) => q.expr)];
  const names = new Set(exprs.flatMap((e) => e.match(/\b(forum|gateway|notify|http_server|jvm)_[a-z_]+\b/g) ?? []));
  const undocumented = [...names].filter((name) => {
    const base = name.replace(/_(bucket|count|sum)$/, "");
    const family = name.split("_")[0];
    return ![name, base, `${base}_*`, `${family}_*`].some((documented) => metricsDoc.includes(`\`${documented}\``));
  });
  assert.deepEqual(undocumented, []);
});
