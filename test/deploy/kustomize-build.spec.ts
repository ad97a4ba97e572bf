import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KustomizeBuildError, kustomizeBuild, parseImage, strategicMerge } from './support/kustomize-build';

/** A throw-away tree of kustomization files, written from a map of path -> content. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cogo-kustomize-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  roots.push(root);
  return root;
}
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: example/web
          env:
            - { name: A, value: '1' }
            - { name: B, value: '2' }
          args: [one, two]
        - name: sidecar
          image: example/sidecar:1.0
`;
const BASE = {
  'base/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.yaml]\n',
  'base/web.yaml': DEPLOYMENT,
};
const overlay = (kustomization: string, extra: Record<string, string> = {}): string =>
  tree({
    ...BASE,
    'overlay/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n${kustomization}`,
    ...extra,
  });

describe(kustomizeBuild.name, () => {
  it('merges a strategic patch: containers and env by name, other lists replaced, null deleting', () => {
    const root = overlay('patches:\n  - path: patch.yaml\n', {
      'overlay/patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      containers:
        - name: web
          env: [{ name: B, value: '20' }, { name: C, value: '3' }]
          args: [three]
        - name: sidecar
          image: null
`,
    });
    const [deployment] = kustomizeBuild(join(root, 'overlay'));
    const containers = (deployment as unknown as { spec: { template: { spec: { containers: unknown[] } } } }).spec
      .template.spec.containers;
    expect(containers).toEqual([
      {
        name: 'web',
        image: 'example/web',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '20' },
          { name: 'C', value: '3' },
        ],
        args: ['three'],
      },
      { name: 'sidecar' },
    ]);
  });

  it('applies a targeted patch to every object of the kind and keeps their names', () => {
    const root = overlay('patches:\n  - path: patch.yaml\n    target:\n      kind: Deployment\n', {
      'overlay/patch.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ignored }\nspec: { replicas: 3 }\n',
    });
    expect(kustomizeBuild(join(root, 'overlay'))).toMatchObject([{ metadata: { name: 'web' }, spec: { replicas: 3 } }]);
  });

  it('pins images by digest, sets replicas and the namespace', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const root = overlay(
      `namespace: team\nimages:\n  - name: example/web\n    newName: registry.example/web\n    digest: ${digest}\n  - name: example/sidecar\n    newTag: '2.0'\nreplicas:\n  - name: web\n    count: 4\n`,
    );
    expect(kustomizeBuild(join(root, 'overlay'))).toMatchObject([
      {
        metadata: { name: 'web', namespace: 'team' },
        spec: {
          replicas: 4,
          template: {
            spec: { containers: [{ image: `registry.example/web@${digest}` }, { image: 'example/sidecar:2.0' }] },
          },
        },
      },
    ]);
  });

  it('adds the resources of a component and lets it patch the including build', () => {
    const root = overlay('components: [../component]\n', {
      'component/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [cm.yaml]\npatches:\n  - path: patch.yaml\n',
      'component/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra }\ndata: { A: b }\n',
      'component/patch.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { paused: true }\n',
    });
    expect(kustomizeBuild(join(root, 'overlay'))).toMatchObject([
      { kind: 'Deployment', spec: { paused: true } },
      { kind: 'ConfigMap', metadata: { name: 'extra' } },
    ]);
  });

  it.each([
    ['an unsupported field', 'namePrefix: x-\n', {}, /unsupported field\(s\) namePrefix/],
    [
      'a patch that matches nothing',
      'patches:\n  - path: p.yaml\n',
      { 'overlay/p.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n' },
      /matches no resource/,
    ],
    ['an image no container uses', 'images:\n  - name: example/other\n    newTag: x\n', {}, /used by no container/],
    ['replicas of a missing Deployment', 'replicas:\n  - name: api\n    count: 2\n', {}, /does not exist/],
    [
      'a $patch directive',
      'patches:\n  - path: p.yaml\n',
      {
        'overlay/p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  $patch: replace\n',
      },
      /\$patch/,
    ],
    ['a resource defined twice', 'resources: [../base, ../base/web.yaml]\n', {}, /defined twice/],
  ])('refuses %s rather than ignoring it', (_, kustomization, extra, message) => {
    const root = tree({
      ...BASE,
      'overlay/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${
        kustomization.startsWith('resources') ? '' : 'resources: [../base]\n'
      }${kustomization}`,
      ...extra,
    });
    expect(() => kustomizeBuild(join(root, 'overlay'))).toThrow(KustomizeBuildError);
    expect(() => kustomizeBuild(join(root, 'overlay'))).toThrow(message);
  });
});

describe(strategicMerge.name, () => {
  it('merges Service ports by port and container ports by containerPort', () => {
    expect(
      strategicMerge({ ports: [{ port: 80, name: 'http' }, { port: 443 }] }, { ports: [{ port: 443, name: 'https' }] }),
    ).toEqual({
      ports: [
        { port: 80, name: 'http' },
        { port: 443, name: 'https' },
      ],
    });
    expect(
      strategicMerge({ ports: [{ containerPort: 3000 }] }, { ports: [{ containerPort: 3000, name: 'metrics' }] }),
    ).toEqual({
      ports: [{ containerPort: 3000, name: 'metrics' }],
    });
  });
});

describe(parseImage.name, () => {
  it('keeps the registry and its port in the name, and splits tag and digest', () => {
    expect(parseImage('localhost:5000/team/web:1.2@sha256:abc')).toEqual({
      name: 'localhost:5000/team/web',
      tag: '1.2',
      digest: 'sha256:abc',
    });
    expect(parseImage('web')).toEqual({ name: 'web', digest: undefined });
  });
});
