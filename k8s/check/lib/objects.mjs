// Helpers over a rendered overlay: pod templates, label selection, named ports.

export const SERVICES = ["forum-api", "realtime-gateway", "notification-service"];

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);

export function workloads(objects) {
  return objects.filter((o) => WORKLOADS.has(o.kind));
}

export function podLabels(workload) {
  return workload.spec.template.metadata?.labels ?? {};
}

/** Kubernetes label-selector semantics (matchLabels and the In/NotIn/Exists/DoesNotExist expressions). */
export function selects(selector, labels) {
  if (!selector) {
    return false;
  }
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case "In": return values.includes(labels[key]);
      case "NotIn": return !values.includes(labels[key]);
      case "Exists": return key in labels;
      case "DoesNotExist": return !(key in labels);
      default: return false;
    }
  });
  return byLabels && byExpressions;
}

export function selectedWorkloads(objects, selector) {
  return workloads(objects).filter((w) => selects(selector, podLabels(w)));
}

export function containerPort(container, port) {
  return (container.ports ?? []).find((p) => p.name === port || p.containerPort === port);
}

export function podPort(workload, port) {
  return workload.spec.template.spec.containers.some((c) => containerPort(c, port));
}

export function serviceWorkload(objects, service) {
  return workloads(objects).find((w) => w.metadata.name === service);
}
