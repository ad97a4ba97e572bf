import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { KubernetesObject } from './kustomize-build';
import { isRecord } from './repo-files';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/**
 * The kinds that k8s/ may contain, each with its OpenAPI schema (kubernetes-models, generated from
 * the Kubernetes API). A kind or API version not listed here is an error, so a new kind gets a
 * schema before it gets committed. The schemas check types, formats, enums and required fields;
 * like the Kubernetes OpenAPI itself they do not reject unknown fields, which is why the policy
 * tests read the fields they rely on.
 */
const MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'batch/v1/Job': Job as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
};

/** Problems of one object against the schema of its kind; empty when it is valid. */
export function schemaProblems(object: KubernetesObject): string[] {
  const id = `${object.apiVersion}/${object.kind}`;
  if (id === 'monitoring.coreos.com/v1/ServiceMonitor') return serviceMonitorProblems(object);
  const Model = MODELS[id];
  if (!Model) return [`${id} has no schema here: add it to test/deploy/support/k8s-schema.ts`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

const DURATION = /^(\d+(ms|s|m|h))+$/;
const SERVICE_MONITOR_SPEC_FIELDS = new Set(['selector', 'endpoints', 'namespaceSelector', 'jobLabel']);
const ENDPOINT_FIELDS = new Set(['port', 'path', 'scheme', 'interval', 'scrapeTimeout', 'honorLabels']);

/**
 * The Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1) has no model in
 * kubernetes-models: its shape is checked by hand, strictly (unknown fields are errors), for the
 * fields this project uses.
 */
export function serviceMonitorProblems(object: KubernetesObject): string[] {
  const problems: string[] = [];
  const spec = object.spec;
  if (!isRecord(spec)) return ['spec must be a map'];
  for (const field of Object.keys(spec)) {
    if (!SERVICE_MONITOR_SPEC_FIELDS.has(field)) problems.push(`spec.${field} is not a ServiceMonitor field used here`);
  }
  const selector = spec.selector;
  if (!isRecord(selector) || !isRecord(selector.matchLabels) || Object.keys(selector.matchLabels).length === 0) {
    problems.push('spec.selector.matchLabels must be a non-empty map');
  } else if (!Object.values(selector.matchLabels).every((value) => typeof value === 'string')) {
    problems.push('spec.selector.matchLabels values must be strings');
  }
  const endpoints = spec.endpoints;
  if (!Array.isArray(endpoints) || endpoints.length === 0)
    return [...problems, 'spec.endpoints must be a non-empty list'];
  endpoints.forEach((endpoint: unknown, index) => {
    const at = `spec.endpoints[${index}]`;
    if (!isRecord(endpoint)) {
      problems.push(`${at} must be a map`);
      return;
    }
    for (const field of Object.keys(endpoint)) {
      if (!ENDPOINT_FIELDS.has(field)) problems.push(`${at}.${field} is not an endpoint field used here`);
    }
    if (typeof endpoint.port !== 'string' || endpoint.port === '') problems.push(`${at}.port must name a Service port`);
    if (endpoint.path !== undefined && (typeof endpoint.path !== 'string' || !endpoint.path.startsWith('/'))) {
      problems.push(`${at}.path must be an absolute path`);
    }
    for (const field of ['interval', 'scrapeTimeout'] as const) {
      const value = endpoint[field];
      if (value !== undefined && (typeof value !== 'string' || !DURATION.test(value))) {
        problems.push(`${at}.${field} must be a Prometheus duration such as 30s`);
      }
    }
    if (
      typeof endpoint.interval === 'string' &&
      typeof endpoint.scrapeTimeout === 'string' &&
      durationMs(endpoint.scrapeTimeout) > durationMs(endpoint.interval)
    ) {
      problems.push(`${at}.scrapeTimeout must not exceed interval`);
    }
  });
  return problems;
}

function durationMs(duration: string): number {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(amount) * units[unit];
  return total;
}
