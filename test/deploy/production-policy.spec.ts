import { Dockerfile } from './support/dockerfile';
import { SECRET_NAME, composeMounts, isEnvironmentReference, secretLookingValues } from './support/policy';
import { listRepoFiles, readRepoFile, readYaml } from './support/repo-files';

/** Files that describe production: what they say runs in production as written. */
const PRODUCTION_FILES = ['docker/Dockerfile', 'docker/compose.prod.yml', ...listRepoFiles('k8s')];
/** Every deployment file, development ones and documentation included: none may hold a credential. */
const DEPLOYMENT_FILES = [...listRepoFiles('docker'), ...listRepoFiles('k8s'), '.dockerignore', 'docs/deploy.md'];

const DEVELOPMENT_MODE = /\b(APP_MODE|NODE_ENV)\b["']?\s*[:=]\s*["']?development\b/;

describe('production files', () => {
  it('never set development mode', () => {
    expect(PRODUCTION_FILES.length).toBeGreaterThan(10);
    for (const file of PRODUCTION_FILES) {
      expect({ file, developmentMode: DEVELOPMENT_MODE.test(readRepoFile(file)) }).toEqual({
        file,
        developmentMode: false,
      });
    }
  });

  it('mount nothing from the host', () => {
    for (const file of PRODUCTION_FILES.filter((name) => name.startsWith('k8s/'))) {
      expect({ file, hostPath: /\bhostPath\b/.test(readRepoFile(file)) }).toEqual({ file, hostPath: false });
    }
    const compose = readYaml('docker/compose.prod.yml') as { services: Record<string, Record<string, unknown>> };
    const services = Object.entries(compose.services);
    expect(services.length).toBeGreaterThan(0);
    for (const [service, definition] of services) {
      expect({ service, binds: composeMounts(definition).filter((mount) => mount.bind) }).toEqual({
        service,
        binds: [],
      });
    }
  });
});

describe('secrets in deployment files', () => {
  it('appear nowhere, in development files and documentation either', () => {
    for (const file of DEPLOYMENT_FILES) {
      expect({ file, secrets: secretLookingValues(readRepoFile(file)) }).toEqual({ file, secrets: [] });
    }
  });

  it('are never baked into an image', () => {
    const dockerfile = new Dockerfile(readRepoFile('docker/Dockerfile'));
    const names = dockerfile.stages
      .flatMap((stage) => stage.instructions)
      .filter((instruction) => ['ENV', 'ARG'].includes(instruction.keyword))
      .flatMap((instruction) => [...instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((match) => match[1]));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => SECRET_NAME.test(name))).toEqual([]);
  });

  it('are listed, without values, in docker/.env.example', () => {
    const assignments = readRepoFile('docker/.env.example')
      .split('\n')
      .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null);
    const secrets = assignments.filter(([, name]) => SECRET_NAME.test(name));
    expect(secrets.map(([, name]) => name)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY']),
    );
    for (const [, name, value] of secrets) expect({ name, value }).toEqual({ name, value: '' });
  });
});

describe('policy detectors', () => {
  it('recognise the credentials they look for, and let references through', () => {
    const jwt = ['eyJhbGciOiJIUzI1NiJ9', 'eyJyb2xlIjoic2VydmljZV9yb2xlIn0', 'c2lnbmF0dXJlLXNpZ25hdHVyZQ'].join('.');
    expect(secretLookingValues(`SUPABASE_SERVICE_ROLE_KEY=${jwt}`)).toHaveLength(1);
    expect(secretLookingValues('DATABASE_URL=postgres://app:hunter2@db:5432/app')).toHaveLength(1);
    expect(secretLookingValues('key: sb_secret_0123456789abcdef')).toHaveLength(1);
    expect(secretLookingValues('postgres://postgres:${POSTGRES_PASSWORD:-postgres}@postgres:5432/postgres')).toEqual(
      [],
    );
    expect(
      secretLookingValues("--from-literal=DATABASE_URL='postgres://postgres:<password>@host:5432/postgres'"),
    ).toEqual([]);
    expect(isEnvironmentReference('${SUPABASE_SERVICE_ROLE_KEY}')).toBe(true);
    expect(isEnvironmentReference('${COGO_IMAGE_TAG:?set it}')).toBe(true);
    expect(isEnvironmentReference('plain-value')).toBe(false);
  });

  it('tell a bind mount from a named volume', () => {
    const mounts = composeMounts({
      volumes: [
        '../apps:/app/apps:ro',
        'artifacts:/var/lib/cogo/artifacts',
        { type: 'bind', source: '/', target: '/host' },
      ],
    });
    expect(mounts.map((mount) => mount.bind)).toEqual([true, false, true]);
  });
});
