// What a service's configuration resolves to inside its container: application.properties (prod profile)
// with ${NAME:default} expressions and MicroProfile Config's environment-variable overrides, fed with the
// container's env. Values from Secrets are known to be set but not read: they resolve to "<secret>".
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./render.mjs";

export function readProperties(service) {
  const props = new Map();
  const text = readFileSync(join(ROOT, service, "src/main/resources/application.properties"), "utf8");
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("!")) {
      continue;
    }
    const at = line.search(/[=:]/);
    props.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return props;
}

/** MicroProfile Config: the environment variable that overrides a property. */
export function envName(key) {
  return key.replace(/[^A-Za-z0-9]/g, "_").toUpperCase();
}

/** Index of the first ':' of an expression's body outside nested ${...}, or -1. */
function topLevelColon(inner) {
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner.startsWith("${", i)) {
      depth++;
      i++;
    } else if (inner[i] === "}") {
      depth--;
    } else if (inner[i] === ":" && depth === 0) {
      return i;
    }
  }
  return -1;
}

export class ContainerConfig {
  constructor(props, container) {
    this.props = props;
    this.env = new Map((container.env ?? []).map((e) => [e.name, e.valueFrom ? "<secret>" : String(e.value ?? "")]));
  }

  /** The property's value in the prod profile, or undefined when nothing sets it. */
  get(key) {
    const fromEnv = this.env.get(envName(key)) ?? this.env.get(envName(`%prod.${key}`));
    if (fromEnv !== undefined) {
      return fromEnv;
    }
    const raw = this.props.get(`%prod.${key}`) ?? this.props.get(key);
    return raw === undefined ? undefined : this.expand(raw, new Set([key]));
  }

  /** Names of ${...} expressions without a default that nothing sets (startup would fail). */
  unresolved() {
    const missing = [];
    for (const key of this.props.keys()) {
      if (key.startsWith("%") && !key.startsWith("%prod.")) {
        continue;
      }
      try {
        this.get(key.replace(/^%prod\./, ""));
      } catch (e) {
        missing.push(`${key}: ${e.message}`);
      }
    }
    return missing;
  }

  expand(value, seen) {
    let out = "";
    for (let i = 0; i < value.length; i++) {
      if (!value.startsWith("${", i)) {
        out += value[i];
        continue;
      }
      let depth = 1;
      let end = i + 2;
      for (; end < value.length && depth > 0; end++) {
        depth += value.startsWith("${", end) ? 1 : value[end] === "}" ? -1 : 0;
      }
      const inner = value.slice(i + 2, end - 1);
      const colon = topLevelColon(inner);
      // a name may itself hold an expression: ${client-type.${redis.mode}}
      const rawName = colon < 0 ? inner : inner.slice(0, colon);
      const name = rawName.includes("${") ? this.expand(rawName, seen) : rawName;
      if (this.env.has(name)) {
        out += this.env.get(name);
      } else if (this.props.has(name) && !seen.has(name)) {
        out += this.expand(this.props.get(name), new Set([...seen, name]));
      } else if (colon >= 0) {
        out += this.expand(inner.slice(colon + 1), seen);
      } else {
        throw new Error(`\${${name}} is not set`);
      }
      i = end - 1;
    }
    return out;
  }

  /** True if an environment variable is read by this configuration: a property override or a ${NAME}. */
  reads(name) {
    for (const [key, value] of this.props) {
      if (envName(key.replace(/^%prod\./, "")) === name || value.includes(`\${${name}`)) {
        return true;
      }
    }
    return false;
  }
}
