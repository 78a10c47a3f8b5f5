// The monitoring component's alert rules (as a Prometheus rule file) and the dashboard's queries.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { K8S, render } from "./render.mjs";

export const MONITORING = join(K8S, "components/monitoring");

const objects = render("overlays/prod");

/** The PrometheusRule's spec is a Prometheus rule file ({groups: [...]}). */
export const ruleFile = objects.find((o) => o.kind === "PrometheusRule").spec;

export const dashboard = JSON.parse(objects.find((o) => o.metadata.labels?.grafana_dashboard === "1").data["forum.json"]);

/** Every query of the dashboard, with its panel title, Grafana's variables replaced by sample values. */
export function dashboardQueries(namespace = ".+", rateInterval = "5m") {
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => ({
    panel: panel.title,
    expr: t.expr.replaceAll("$namespace", namespace).replaceAll("$__rate_interval", rateInterval),
  })));
}

/** Runs promtool in a fresh directory holding the given files; returns its output, throws on failure. */
export function promtool(args, files) {
  const dir = mkdtempSync(join(tmpdir(), "forum-promtool-"));
  for (const [name, content] of Object.entries(files)) {
    if (content.copyFrom) {
      copyFileSync(content.copyFrom, join(dir, name));
    } else {
      writeFileSync(join(dir, name), typeof content === "string" ? content : stringify(content));
    }
  }
  try {
    return execFileSync("promtool", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(`promtool ${args.join(" ")}:\n${e.stdout}${e.stderr}`);
  }
}
