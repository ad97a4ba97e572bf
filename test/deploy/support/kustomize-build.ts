import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isRecord, parseYamlDocuments } from './repo-files';

/**
 * A minimal `kustomize build`, enough for the kustomizations of k8s/ and no more. No kustomize
 * implementation installs from the npm registry without downloading a binary, so the tests build
 * the overlays with this, and compare it with `kubectl kustomize` where kubectl is installed.
 *
 * Supported, with kustomize's meaning:
 * - `Kustomization` and `Component` files named `kustomization.yaml`;
 * - `resources` (YAML files, or folders holding a kustomization), `components`;
 * - `namespace` (set on every namespaced object);
 * - `images` (`name`, `newName`, `newTag`, `digest`) on the containers and init containers of
 *   pod templates (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod);
 * - `replicas` (`name`, `count`) on Deployments, StatefulSets and ReplicaSets;
 * - `patches` as strategic-merge patches, from `path` or inline `patch`, aimed at the object of
 *   the patch's own kind and name or at every object of a `target` kind (and optional name).
 *   Lists merge by key where Kubernetes declares one (containers, env, volumes, volumeMounts, ports,
 *   ...); every other list is replaced, maps merge, `null` deletes.
 *
 * Stricter than kustomize on purpose, so a feature used in k8s/ but not implemented here fails
 * the build instead of being ignored: any other kustomization field, `$patch` directives, JSON 6902
 * patches, `target` selectors other than kind and name, and an image, replica count or patch that
 * matches nothing are errors. Not implemented: generators, name prefixes and suffixes, labels and
 * annotations transformers, vars/replacements, Helm charts, remote bases.
 */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [field: string]: unknown };
  [field: string]: unknown;
}

export class KustomizeBuildError extends Error {
  override readonly name = 'KustomizeBuildError';
}

export interface KustomizeBuildOptions {
  /** Called with the absolute path of every file the build reads. */
  readonly onRead?: (file: string) => void;
}

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'components',
  'images',
  'replicas',
  'patches',
]);

const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'PriorityClass',
  'StorageClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Strategic-merge keys of the Kubernetes lists that k8s/ patches, by field name. */
const MERGE_KEYS: Readonly<Record<string, readonly string[]>> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  imagePullSecrets: ['name'],
  // Container ports merge on containerPort, Service ports on port.
  ports: ['containerPort', 'port'],
};

export function kustomizeBuild(directory: string, options: KustomizeBuildOptions = {}): KubernetesObject[] {
  const objects = new KustomizationBuilder(options).build(resolve(directory), 'Kustomization', []);
  assertUnique(objects, directory);
  return objects;
}

/** Strategic merge of a patch into an object, as kustomize applies it (the subset above). */
export function strategicMerge(base: unknown, patch: unknown, field = ''): unknown {
  if (isRecord(patch) && isRecord(base)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) throw new KustomizeBuildError(`patch directive ${key} is not supported`);
      if (value === null) delete merged[key];
      else merged[key] = strategicMerge(base[key], value, key);
    }
    return merged;
  }
  const mergeKeys = MERGE_KEYS[field];
  if (mergeKeys && Array.isArray(patch) && Array.isArray(base)) {
    const key = mergeKeys.find((candidate) => patch.every((item) => isRecord(item) && candidate in item));
    if (!key)
      throw new KustomizeBuildError(`every patch item of "${field}" needs its merge key ${mergeKeys.join(' or ')}`);
    const merged = base.map(clone);
    for (const item of patch as Record<string, unknown>[]) {
      const index = merged.findIndex((existing) => isRecord(existing) && existing[key] === item[key]);
      if (index >= 0) merged[index] = strategicMerge(merged[index], item);
      else merged.push(clone(item));
    }
    return merged;
  }
  return clone(patch);
}

class KustomizationBuilder {
  constructor(private readonly options: KustomizeBuildOptions) {}

  /** Builds one kustomization: a Component transforms the objects of the one that includes it. */
  build(
    directory: string,
    expectedKind: 'Kustomization' | 'Component',
    inherited: KubernetesObject[],
  ): KubernetesObject[] {
    const file = join(directory, 'kustomization.yaml');
    if (!existsSync(file)) throw new KustomizeBuildError(`${directory} has no kustomization.yaml`);
    const kustomization = this.readSingle(file);
    const expectedApiVersion =
      expectedKind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
    if (kustomization.kind !== expectedKind || kustomization.apiVersion !== expectedApiVersion) {
      throw new KustomizeBuildError(`${file}: expected ${expectedApiVersion} ${expectedKind}`);
    }
    const unsupported = Object.keys(kustomization).filter((field) => !KUSTOMIZATION_FIELDS.has(field));
    if (unsupported.length > 0) {
      throw new KustomizeBuildError(`${file}: unsupported field(s) ${unsupported.join(', ')} (see kustomize-build.ts)`);
    }

    let objects = [...inherited];
    for (const entry of stringList(kustomization.resources, `${file} resources`)) {
      const path = resolve(directory, entry);
      if (!existsSync(path)) throw new KustomizeBuildError(`${file}: resource ${entry} does not exist`);
      objects.push(...(statSync(path).isDirectory() ? this.build(path, 'Kustomization', []) : this.readObjects(path)));
    }
    for (const entry of stringList(kustomization.components, `${file} components`)) {
      objects = this.build(resolve(directory, entry), 'Component', objects);
    }
    for (const patch of list(kustomization.patches, `${file} patches`)) {
      objects = this.applyPatch(objects, patch, directory, file);
    }
    if (kustomization.namespace !== undefined) {
      const namespace = kustomization.namespace;
      if (typeof namespace !== 'string') throw new KustomizeBuildError(`${file}: namespace must be a string`);
      for (const object of objects) {
        if (!CLUSTER_SCOPED_KINDS.has(object.kind)) object.metadata.namespace = namespace;
      }
    }
    for (const image of list(kustomization.images, `${file} images`)) applyImage(objects, image, file);
    for (const replicas of list(kustomization.replicas, `${file} replicas`)) applyReplicas(objects, replicas, file);
    return objects;
  }

  private applyPatch(
    objects: KubernetesObject[],
    entry: Record<string, unknown>,
    directory: string,
    file: string,
  ): KubernetesObject[] {
    const known = new Set(['path', 'patch', 'target']);
    const extra = Object.keys(entry).filter((key) => !known.has(key));
    if (extra.length > 0) throw new KustomizeBuildError(`${file}: unsupported patch field(s) ${extra.join(', ')}`);
    const source =
      typeof entry.path === 'string'
        ? this.read(resolve(directory, entry.path))
        : typeof entry.patch === 'string'
          ? entry.patch
          : undefined;
    if (source === undefined) throw new KustomizeBuildError(`${file}: a patch needs a path or an inline patch`);
    const documents = parseYamlDocuments(source, `${file} patch`);
    if (documents.length !== 1 || !isRecord(documents[0])) {
      throw new KustomizeBuildError(
        `${file}: a patch must be one strategic-merge document (JSON 6902 is not supported)`,
      );
    }
    const patch = asObject(documents[0], `${file} patch`);
    const target = entry.target === undefined ? undefined : targetOf(entry.target, file);
    const matches = (object: KubernetesObject): boolean =>
      target
        ? object.kind === target.kind && (target.name === undefined || object.metadata.name === target.name)
        : object.kind === patch.kind && object.metadata.name === patch.metadata.name;
    if (!objects.some(matches)) {
      throw new KustomizeBuildError(
        `${file}: patch ${patch.kind}/${target?.name ?? patch.metadata.name} matches no resource`,
      );
    }
    // With a target the patch's own name is a placeholder: the target keeps its name.
    const body: Record<string, unknown> = target
      ? { ...patch, metadata: { ...patch.metadata, name: undefined } }
      : { ...patch };
    return objects.map((object) => {
      if (!matches(object)) return object;
      const merged = strategicMerge(object, withoutUndefined(body));
      return asObject(merged, `${file} patched ${object.kind}/${object.metadata.name}`);
    });
  }

  private readSingle(file: string): Record<string, unknown> {
    const documents = parseYamlDocuments(this.read(file), file);
    if (documents.length !== 1 || !isRecord(documents[0])) {
      throw new KustomizeBuildError(`${file}: expected one YAML mapping`);
    }
    return documents[0];
  }

  private readObjects(file: string): KubernetesObject[] {
    return parseYamlDocuments(this.read(file), file).map((document, index) =>
      asObject(document, `${file} document ${index + 1}`),
    );
  }

  private read(file: string): string {
    this.options.onRead?.(file);
    return readFileSync(file, 'utf8');
  }
}

function applyImage(objects: readonly KubernetesObject[], entry: Record<string, unknown>, file: string): void {
  const known = new Set(['name', 'newName', 'newTag', 'digest']);
  const extra = Object.keys(entry).filter((key) => !known.has(key));
  if (extra.length > 0 || typeof entry.name !== 'string') {
    throw new KustomizeBuildError(`${file}: an image entry needs a name and only newName, newTag, digest`);
  }
  let matched = false;
  for (const container of objects.flatMap(containersOf)) {
    if (typeof container.image !== 'string') continue;
    const reference = parseImage(container.image);
    if (reference.name !== entry.name) continue;
    matched = true;
    const name = typeof entry.newName === 'string' ? entry.newName : reference.name;
    if (typeof entry.digest === 'string') container.image = `${name}@${entry.digest}`;
    else {
      const tag = typeof entry.newTag === 'string' ? entry.newTag : reference.tag;
      container.image = `${name}${tag ? `:${tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
    }
  }
  if (!matched) throw new KustomizeBuildError(`${file}: image ${entry.name} is used by no container`);
}

function applyReplicas(objects: readonly KubernetesObject[], entry: Record<string, unknown>, file: string): void {
  if (typeof entry.name !== 'string' || typeof entry.count !== 'number' || Object.keys(entry).length !== 2) {
    throw new KustomizeBuildError(`${file}: a replicas entry is { name, count }`);
  }
  const targets = objects.filter((object) => REPLICATED_KINDS.has(object.kind) && object.metadata.name === entry.name);
  if (targets.length === 0) throw new KustomizeBuildError(`${file}: replicas for ${entry.name}, which does not exist`);
  for (const target of targets) {
    const spec = isRecord(target.spec) ? target.spec : (target.spec = {});
    spec.replicas = entry.count;
  }
}

/** The containers and init containers of every pod template in an object. */
export function containersOf(object: KubernetesObject): Record<string, unknown>[] {
  const podSpecs: unknown[] = [];
  const spec = object.spec;
  if (isRecord(spec)) {
    if (object.kind === 'Pod') podSpecs.push(spec);
    if (isRecord(spec.template)) podSpecs.push(spec.template.spec);
    if (isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) && isRecord(spec.jobTemplate.spec.template)) {
      podSpecs.push(spec.jobTemplate.spec.template.spec);
    }
  }
  return podSpecs
    .filter(isRecord)
    .flatMap((podSpec) => [podSpec.containers, podSpec.initContainers])
    .flatMap((containers) => (Array.isArray(containers) ? containers.filter(isRecord) : []));
}

/** `registry/name:tag@sha256:...` split as kustomize matches it (the name includes the registry). */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@', 2) as [string, string | undefined];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0
    ? { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest }
    : { name: withoutDigest, digest };
}

function targetOf(value: unknown, file: string): { kind: string; name?: string } {
  if (!isRecord(value) || typeof value.kind !== 'string') {
    throw new KustomizeBuildError(`${file}: a patch target needs a kind`);
  }
  const extra = Object.keys(value).filter((key) => key !== 'kind' && key !== 'name');
  if (extra.length > 0) throw new KustomizeBuildError(`${file}: unsupported target selector(s) ${extra.join(', ')}`);
  return { kind: value.kind, name: typeof value.name === 'string' ? value.name : undefined };
}

function asObject(value: unknown, source: string): KubernetesObject {
  if (
    !isRecord(value) ||
    typeof value.apiVersion !== 'string' ||
    typeof value.kind !== 'string' ||
    !isRecord(value.metadata) ||
    typeof value.metadata.name !== 'string'
  ) {
    throw new KustomizeBuildError(`${source}: not a Kubernetes object (apiVersion, kind and metadata.name)`);
  }
  return value as KubernetesObject;
}

function assertUnique(objects: readonly KubernetesObject[], directory: string): void {
  const seen = new Set<string>();
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (seen.has(id)) throw new KustomizeBuildError(`${directory}: ${id} is defined twice`);
    seen.add(id);
  }
}

function list(value: unknown, source: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isRecord))
    throw new KustomizeBuildError(`${source}: expected a list of maps`);
  return value;
}

function stringList(value: unknown, source: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new KustomizeBuildError(`${source}: expected a list of paths`);
  }
  return value;
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
