// Renders each overlay with `kubectl kustomize` (kustomize built into kubectl), offline. Overlays whose
// secretGenerator reads git-ignored secrets/* files are rendered from a copy of k8s/ where each is
// the committed secrets/*.example, so the check never needs (or reads) real secrets.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

export const K8S = resolve(import.meta.dirname, "../..");
export const ROOT = resolve(K8S, "..");
export const OVERLAYS = readdirSync(join(K8S, "overlays"));

let copy;

function k8sCopy() {
  if (!copy) {
    copy = mkdtempSync(join(tmpdir(), "forum-k8s-"));
    cpSync(K8S, copy, { recursive: true, filter: (src) => !src.includes("node_modules") });
    for (const overlay of OVERLAYS) {
      const secrets = join(copy, "overlays", overlay, "secrets");
      for (const example of existsSync(secrets) ? readdirSync(secrets) : []) {
        if (example.endsWith(".example")) {
          cpSync(join(secrets, example), join(secrets, example.replace(/\.example$/, "")));
        }
      }
    }
    process.on("exit", () => rmSync(copy, { recursive: true, force: true }));
  }
  return copy;
}

/** The objects `kubectl kustomize` renders for one overlay (or any kustomization under k8s/). */
export function render(dir) {
  const out = execFileSync("kubectl", ["kustomize", join(k8sCopy(), dir)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return parseAllDocuments(out).map((doc) => {
    if (doc.errors.length) {
      throw new Error(`${dir}: ${doc.errors[0].message}`);
    }
    return doc.toJS();
  }).filter(Boolean);
}

export function id(object) {
  return `${object.kind}/${object.metadata?.name}`;
}
