import { AGENT_NAMES } from '@cogo/config';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IConfigMap, IContainer, INamespace, IPodSpec, IService } from 'kubernetes-models/v1';
import { schemaProblems } from './support/k8s-schema';
import { type KubernetesObject, kustomizeBuild, parseImage } from './support/kustomize-build';
import { SECRET_NAME } from './support/policy';
import { isRecord, listRepoFiles, parseYamlDocuments, readRepoFile, repoPath } from './support/repo-files';

const WORKERS = AGENT_NAMES.filter((agent) => agent.endsWith('-worker'));
const NAMESPACE = 'cogo-agent-core';
const SECRET = 'cogo-agent-core-secrets';
const CONFIG = 'cogo-agent-core-config';
const ARTIFACTS_BASE = '/var/lib/cogo/artifacts';

const build = (directory: string): KubernetesObject[] => kustomizeBuild(repoPath(directory));

function ofKind<T>(objects: readonly KubernetesObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as unknown as T[];
}

function named<T extends { metadata?: { name?: string } }>(objects: readonly T[], name: string): T {
  const found = objects.find((object) => object.metadata?.name === name);
  if (!found) throw new Error(`no object named ${name}`);
  return found;
}

interface Workload {
  readonly id: string;
  readonly labels: Record<string, string>;
  readonly pod: IPodSpec;
}

/** Every pod template of a build: the agents' Deployments and the migration Job. */
function workloads(objects: readonly KubernetesObject[]): Workload[] {
  return [...ofKind<IDeployment>(objects, 'Deployment'), ...ofKind<IJob>(objects, 'Job')].map((workload) => ({
    id: `${workload.kind}/${workload.metadata?.name}`,
    labels: workload.spec!.template.metadata?.labels ?? {},
    pod: workload.spec!.template.spec!,
  }));
}

const containers = (pod: IPodSpec): IContainer[] => [...pod.containers, ...(pod.initContainers ?? [])];
const labelsMatch = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('k8s/ files', () => {
  it('parse as YAML, and every one is read by a kustomization that an overlay builds', () => {
    const files = listRepoFiles('k8s', ['.yaml', '.yml']);
    for (const file of files) expect(() => parseYamlDocuments(readRepoFile(file), file)).not.toThrow();
    const read = new Set<string>();
    for (const directory of ['k8s/overlays/staging', 'k8s/overlays/production']) {
      kustomizeBuild(repoPath(directory), { onRead: (file) => read.add(file) });
    }
    expect(files.map((file) => repoPath(file)).filter((file) => !read.has(file))).toEqual([]);
  });

  it('hold no Secret and no object that exposes an agent outside the cluster', () => {
    const kinds = listRepoFiles('k8s', ['.yaml', '.yml']).flatMap((file) =>
      parseYamlDocuments(readRepoFile(file), file).map((document) => (isRecord(document) ? document.kind : undefined)),
    );
    expect(kinds).toContain('Deployment');
    for (const forbidden of ['Secret', 'Ingress', 'IngressClass', 'Gateway', 'HTTPRoute', 'Route']) {
      expect(kinds).not.toContain(forbidden);
    }
  });
});

describe.each(['k8s/base', 'k8s/overlays/staging', 'k8s/overlays/production'])('%s', (directory) => {
  const objects = build(directory);
  const deployments = ofKind<IDeployment>(objects, 'Deployment');
  const services = ofKind<IService>(objects, 'Service');

  it('builds objects that each validate against the schema of their kind', () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problems: schemaProblems(object) }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        problems: [],
      });
    }
  });

  it('puts every namespaced object in the cogo-agent-core namespace, which enforces the restricted Pod Security Standard', () => {
    const namespace = named(ofKind<INamespace>(objects, 'Namespace'), NAMESPACE);
    expect(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const object of objects.filter((candidate) => candidate.kind !== 'Namespace')) {
      expect(object.metadata.namespace).toBe(NAMESPACE);
    }
  });

  it("runs one Deployment of each agent's own image, with a metrics Service and a PodDisruptionBudget", () => {
    const budgets = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
    expect(deployments.map((deployment) => deployment.metadata?.name).sort()).toEqual([...AGENT_NAMES].sort());
    for (const agent of AGENT_NAMES) {
      const deployment = named(deployments, agent);
      const podLabels = deployment.spec!.template.metadata!.labels!;
      expect(labelsMatch(deployment.spec!.selector.matchLabels!, podLabels)).toBe(true);
      const [container, ...others] = deployment.spec!.template.spec!.containers;
      expect(others).toEqual([]);
      expect(parseImage(container.image!).name).toMatch(new RegExp(`(^|/)cogo-agent-core/${agent}$`));
      expect(labelsMatch(named(services, agent).spec!.selector!, podLabels)).toBe(true);
      const budget = named(budgets, agent);
      expect(labelsMatch(budget.spec!.selector!.matchLabels!, podLabels)).toBe(true);
      // Never minAvailable with a single replica: that would block every node drain.
      expect(budget.spec!.maxUnavailable).toBe(1);
    }
  });

  it('runs every agent as non-root with a read-only root filesystem', () => {
    const all = workloads(objects);
    expect(all.length).toBeGreaterThanOrEqual(AGENT_NAMES.length);
    for (const { id, pod } of all) {
      expect({ id, ...pod.securityContext }).toMatchObject({
        id,
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork ?? false).toBe(false);
      expect(pod.hostPID ?? false).toBe(false);
      expect(pod.hostIPC ?? false).toBe(false);
      for (const container of containers(pod)) {
        expect({ id, ...container.securityContext }).toMatchObject({
          id,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.securityContext?.privileged ?? false).toBe(false);
        expect(container.securityContext?.capabilities?.add ?? []).toEqual([]);
        expect(container.securityContext?.runAsUser ?? 1000).toBeGreaterThan(0);
      }
    }
  });

  it('probes /health/live for start-up and liveness and /health/ready for readiness, on the metrics port', () => {
    for (const deployment of deployments) {
      const container = deployment.spec!.template.spec!.containers[0];
      expect(container.ports).toEqual([{ name: 'metrics', containerPort: 3000, protocol: 'TCP' }]);
      expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'metrics' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'metrics' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'metrics' });
      // Start-up gets its own budget, so liveness can stay strict without killing slow boots.
      const startup = container.startupProbe!;
      expect((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3)).toBeGreaterThanOrEqual(30);
    }
  });

  it('gives every container CPU and memory requests and limits', () => {
    for (const { id, pod } of workloads(objects)) {
      for (const container of containers(pod)) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        expect({ id, requests: Object.keys(requests).sort(), limits: Object.keys(limits).sort() }).toEqual({
          id,
          requests: ['cpu', 'memory'],
          limits: ['cpu', 'memory'],
        });
      }
    }
  });

  it('writes only to emptyDir volumes at /tmp and ARTIFACTS_BASE, and mounts nothing from the host', () => {
    for (const { id, pod } of workloads(objects)) {
      const volumes = pod.volumes ?? [];
      for (const volume of volumes) {
        expect({ id, volume: volume.name, hostPath: volume.hostPath }).toEqual({
          id,
          volume: volume.name,
          hostPath: undefined,
        });
        expect(volume.emptyDir?.sizeLimit).toBeDefined();
      }
      for (const container of containers(pod)) {
        expect(container.ports?.some((port) => port.hostPort !== undefined) ?? false).toBe(false);
        const mounts = Object.fromEntries((container.volumeMounts ?? []).map((mount) => [mount.mountPath, mount.name]));
        expect(mounts['/tmp']).toBeDefined();
        for (const name of Object.values(mounts)) expect(volumes.map((volume) => volume.name)).toContain(name);
      }
    }
    for (const deployment of deployments) {
      const mounts = deployment.spec!.template.spec!.containers[0].volumeMounts ?? [];
      expect(mounts.map((mount) => mount.mountPath)).toContain(ARTIFACTS_BASE);
    }
  });

  it('takes settings from the ConfigMap and secrets only by reference to a Secret that is not committed', () => {
    expect(objects.map((object) => object.kind)).not.toContain('Secret');
    for (const deployment of deployments) {
      const container = deployment.spec!.template.spec!.containers[0];
      expect(container.envFrom).toEqual([{ configMapRef: { name: CONFIG } }, { secretRef: { name: SECRET } }]);
    }
    for (const { id, pod } of workloads(objects)) {
      for (const variable of containers(pod).flatMap((container) => container.env ?? [])) {
        if (SECRET_NAME.test(variable.name)) {
          expect({
            id,
            name: variable.name,
            value: variable.value,
            secret: variable.valueFrom?.secretKeyRef?.name,
          }).toEqual({ id, name: variable.name, value: undefined, secret: SECRET });
        }
      }
    }
  });

  it('configures production mode in the ConfigMap, with variables the agents read and no secret', () => {
    const data = named(ofKind<IConfigMap>(objects, 'ConfigMap'), CONFIG).data ?? {};
    expect(data).toMatchObject({ APP_MODE: 'production', NODE_ENV: 'production', PORT: '3000', ARTIFACTS_BASE });
    const loadConfig = readRepoFile('libs/config/src/load-config.ts');
    for (const key of Object.keys(data)) {
      expect({ key, readByAgents: new RegExp(`\\b${key}\\b`).test(loadConfig) }).toEqual({ key, readByAgents: true });
      expect({ key, secret: SECRET_NAME.test(key) }).toEqual({ key, secret: false });
    }
  });

  it('exposes only the metrics port, and only inside the cluster', () => {
    expect(services.map((service) => service.metadata?.name).sort()).toEqual([...AGENT_NAMES].sort());
    for (const service of services) {
      expect(service.spec?.type ?? 'ClusterIP').toBe('ClusterIP');
      expect(service.spec?.ports).toEqual([{ name: 'metrics', port: 3000, targetPort: 'metrics', protocol: 'TCP' }]);
    }
  });

  it('lets Prometheus scrape /metrics of every agent Service through the ServiceMonitor', () => {
    const [monitor, ...others] = objects.filter((object) => object.kind === 'ServiceMonitor');
    expect(others).toEqual([]);
    const spec = monitor.spec as {
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path: string }[];
    };
    for (const service of services) {
      expect(labelsMatch(spec.selector.matchLabels, service.metadata?.labels)).toBe(true);
    }
    expect(spec.endpoints.map(({ port, path }) => ({ port, path }))).toEqual([{ port: 'metrics', path: '/metrics' }]);
  });

  it('autoscales each worker on CPU, and leaves the replica count of workers to the autoscaler', () => {
    const autoscalers = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    expect(autoscalers.map((autoscaler) => autoscaler.spec?.scaleTargetRef.name).sort()).toEqual([...WORKERS].sort());
    for (const autoscaler of autoscalers) {
      const spec = autoscaler.spec!;
      expect(spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(spec.metrics?.map(({ type, resource }) => [type, resource?.name, resource?.target.type])).toEqual([
        ['Resource', 'cpu', 'Utilization'],
      ]);
      expect(spec.metrics?.[0]?.resource?.target.averageUtilization).toBeGreaterThan(0);
      expect(spec.maxReplicas).toBeGreaterThanOrEqual(spec.minReplicas ?? 1);
      expect(named(deployments, spec.scaleTargetRef.name).spec?.replicas).toBeUndefined();
    }
  });

  it('admits only Prometheus from the monitoring namespace on the metrics port, and lets out only DNS and the database', () => {
    const [policy, ...others] = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    expect(others).toEqual([]);
    const spec = policy.spec!;
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    for (const { id, labels } of workloads(objects)) {
      expect({ id, selected: labelsMatch(spec.podSelector.matchLabels!, labels) }).toEqual({ id, selected: true });
    }
    expect(spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 'metrics' }],
      },
    ]);
    const egressPorts = (spec.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => port.port));
    expect(new Set(egressPorts)).toEqual(new Set([53, 443, 5432, 6543]));
    for (const rule of spec.egress ?? []) expect(rule.ports?.length).toBeGreaterThan(0);
  });

  it('gives every agent time to drain its claimed messages on shutdown', () => {
    for (const deployment of deployments) {
      expect(deployment.spec!.template.spec!.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
      expect(deployment.spec!.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    }
  });
});

describe.each([
  { overlay: 'staging', replicas: 1, minWorkers: 1, migrationJob: true },
  { overlay: 'production', replicas: 2, minWorkers: 2, migrationJob: false },
])('k8s/overlays/$overlay', ({ overlay, replicas, minWorkers, migrationJob }) => {
  const directory = `k8s/overlays/${overlay}`;
  const objects = build(directory);
  const deployments = ofKind<IDeployment>(objects, 'Deployment');

  it('pins every image to a sha256 digest in the registry, never to a tag', () => {
    for (const { pod, id } of workloads(objects)) {
      for (const container of containers(pod)) {
        expect(`${id} runs ${container.image}`).toMatch(
          /^\S+ runs ghcr\.io\/[a-z0-9-]+\/cogo-agent-core\/[a-z-]+@sha256:[0-9a-f]{64}$/,
        );
      }
    }
  });

  it('marks each placeholder digest as one, for the release pipeline to replace', () => {
    const lines = readRepoFile(`${directory}/kustomization.yaml`).split('\n');
    const placeholders = lines.filter((line) => /digest: sha256:0{64}/.test(line));
    expect(placeholders).toHaveLength(AGENT_NAMES.length);
    for (const line of placeholders) expect(line).toMatch(/# PLACEHOLDER$/);
  });

  it(`runs ${replicas} orchestrator and dispatcher replicas and at least ${minWorkers} of each worker`, () => {
    expect(named(deployments, 'orchestrator').spec?.replicas).toBe(replicas);
    expect(named(deployments, 'executor-dispatcher').spec?.replicas).toBe(replicas);
    for (const autoscaler of ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')) {
      expect(autoscaler.spec?.minReplicas).toBe(minWorkers);
    }
  });

  it(
    migrationJob
      ? 'migrates with a Job that runs the runner of the orchestrator image it deploys'
      : 'has no migration Job: the Supabase project is migrated with `supabase db push`',
    () => {
      const jobs = ofKind<IJob>(objects, 'Job');
      if (!migrationJob) {
        expect(jobs).toEqual([]);
        return;
      }
      const job = named(jobs, 'cogo-migrate');
      const container = job.spec!.template.spec!.containers[0];
      expect(container.args).toEqual(['node', 'dist/scripts/migrate.js']);
      expect(container.command).toBeUndefined();
      expect(container.image).toBe(named(deployments, 'orchestrator').spec!.template.spec!.containers[0].image);
      expect(job.spec!.template.spec!.restartPolicy).toBe('Never');
      expect(job.spec!.template.metadata?.labels?.['app.kubernetes.io/component']).toBe('migrate');
    },
  );
});
