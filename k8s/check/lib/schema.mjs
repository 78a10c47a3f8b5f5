// Schema validation of rendered objects, like kubeconform -strict:
// - types, formats, enums and required fields: the JSON schemas of the Kubernetes OpenAPI spec (and the
//   prometheus-operator CRDs) compiled by kubernetes-models;
// - unknown fields (a typo such as `securityContex` is silently dropped by the API server): the field
//   lists of the generated @kubernetes/client-node models, which come from the same OpenAPI spec.
import * as client from "@kubernetes/client-node";

const GROUPS = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

/** Problems found in one object: schema errors, then unknown fields. Empty when valid. */
export async function validate(object) {
  const base = GROUPS[object.apiVersion];
  if (!base) {
    return [`no schema for apiVersion ${object.apiVersion}`];
  }
  let Model;
  try {
    Model = (await import(`${base}/${object.kind}`))[object.kind];
  } catch {
    return [`no schema for ${object.apiVersion} ${object.kind}`];
  }
  const problems = [];
  if (object.kind === "Secret" && object.data) {
    // kustomize wraps long base64 values over lines; the API server's base64 decoder skips newlines.
    object = { ...object, data: Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, v.replace(/\s/g, "")])) };
  }
  try {
    new Model(object).validate();
  } catch (e) {
    problems.push(...String(e.message).split(", "));
  }
  const version = object.apiVersion.split("/").pop();
  const type = `V${version.slice(1, 2).toUpperCase()}${version.slice(2)}${object.kind}`;
  if (client[type]) {
    unknownFields(object, type, "", problems);
  }
  return problems;
}

function unknownFields(value, type, path, problems) {
  if (value === null || value === undefined) {
    return;
  }
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    (Array.isArray(value) ? value : []).forEach((v, i) => unknownFields(v, array[1], `${path}[${i}]`, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    Object.entries(value).forEach(([k, v]) => unknownFields(v, map[1], `${path}.${k}`, problems));
    return;
  }
  const model = client[type];
  if (typeof model?.getAttributeTypeMap !== "function" || typeof value !== "object") {
    return;
  }
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, v] of Object.entries(value)) {
    if (!fields.has(key)) {
      problems.push(`${path || "."}: unknown field "${key}"`);
    } else {
      unknownFields(v, fields.get(key), `${path}.${key}`, problems);
    }
  }
}
