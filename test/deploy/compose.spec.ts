import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_NAMES } from '@cogo/config';
import { SECRET_NAME, composeEnvironment, composeMounts, isEnvironmentReference } from './support/policy';
import { REPO_ROOT, isRecord, readYaml } from './support/repo-files';

type Service = Record<string, unknown>;

interface ComposeFile {
  readonly services: Record<string, Service>;
  readonly volumes: Record<string, unknown>;
  readonly networks: Record<string, unknown>;
  readonly topLevel: readonly string[];
}

function loadCompose(path: string): ComposeFile {
  const document = readYaml(path);
  if (!isRecord(document) || !isRecord(document.services)) throw new Error(`${path} has no services`);
  const services = Object.fromEntries(
    Object.entries(document.services).map(([name, service]) => {
      if (!isRecord(service)) throw new Error(`${path}: service ${name} is not a map`);
      return [name, service];
    }),
  );
  return {
    services,
    volumes: isRecord(document.volumes) ? document.volumes : {},
    networks: isRecord(document.networks) ? document.networks : {},
    topLevel: Object.keys(document).filter((key) => !key.startsWith('x-')),
  };
}

/** The compose-spec service fields these files may use; anything else is a typo or a new need. */
const SERVICE_FIELDS = new Set([
  'build',
  'image',
  'init',
  'command',
  'environment',
  'env_file',
  'depends_on',
  'healthcheck',
  'ports',
  'expose',
  'volumes',
  'networks',
  'user',
  'read_only',
  'tmpfs',
  'cap_drop',
  'security_opt',
  'restart',
  'stop_grace_period',
  'deploy',
  'logging',
  'profiles',
]);
const DEPENDENCY_CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];

function dependencies(service: Service): Record<string, { condition: string }> {
  const dependsOn = service.depends_on;
  if (dependsOn === undefined) return {};
  if (!isRecord(dependsOn)) throw new Error('depends_on must be the long form, with a condition per service');
  return Object.fromEntries(
    Object.entries(dependsOn).map(([name, value]) => [
      name,
      { condition: isRecord(value) && typeof value.condition === 'string' ? value.condition : '' },
    ]),
  );
}

function healthcheckOf(service: Service): Record<string, unknown> | undefined {
  return isRecord(service.healthcheck) && service.healthcheck.disable !== true ? service.healthcheck : undefined;
}

/** The structure rules both files share: known fields, and references that resolve. */
function expectWellFormed(compose: ComposeFile): void {
  expect(compose.topLevel.filter((key) => !['name', 'services', 'volumes', 'networks'].includes(key))).toEqual([]);
  for (const [name, service] of Object.entries(compose.services)) {
    expect({ name, unknown: Object.keys(service).filter((field) => !SERVICE_FIELDS.has(field)) }).toEqual({
      name,
      unknown: [],
    });
    expect(typeof service.image === 'string' || isRecord(service.build)).toBe(true);
    for (const [dependency, { condition }] of Object.entries(dependencies(service))) {
      expect(Object.keys(compose.services)).toContain(dependency);
      expect(DEPENDENCY_CONDITIONS).toContain(condition);
      const target = compose.services[dependency];
      if (condition === 'service_healthy') expect(healthcheckOf(target)).toBeDefined();
      if (condition === 'service_completed_successfully') expect(target.restart ?? 'no').toBe('no');
    }
    for (const mount of composeMounts(service).filter((candidate) => !candidate.bind && candidate.source)) {
      expect(Object.keys(compose.volumes)).toContain(mount.source);
    }
    for (const network of Array.isArray(service.networks) ? service.networks : []) {
      expect(Object.keys(compose.networks)).toContain(network);
    }
    const healthcheck = healthcheckOf(service);
    if (healthcheck) {
      expect(Array.isArray(healthcheck.test)).toBe(true);
      expect(['CMD', 'CMD-SHELL']).toContain((healthcheck.test as unknown[])[0]);
      expect(healthcheck.interval).toMatch(/^\d+(ms|s|m)$/);
    }
  }
}

const agentCommand = (agent: string): RegExp => new RegExp(`^dist/apps/${agent}/src/main\\.js$`);

describe('docker/compose.dev.yml', () => {
  const compose = loadCompose('docker/compose.dev.yml');
  const { services } = compose;

  it('uses known compose fields, and every dependency, volume and network it names exists', () => {
    expectWellFormed(compose);
  });

  it('runs Postgres 17 with a pg_isready healthcheck', () => {
    expect(services.postgres?.image).toBe('postgres:17');
    expect((healthcheckOf(services.postgres)?.test as string[]).join(' ')).toContain('pg_isready');
  });

  it('migrates once Postgres is healthy and the build is done, before any agent starts', () => {
    expect(services.migrate?.command).toEqual(['node', 'dist/scripts/migrate.js']);
    expect(dependencies(services.migrate)).toEqual({
      postgres: { condition: 'service_healthy' },
      build: { condition: 'service_completed_successfully' },
    });
    expect(services.build?.command).toEqual(['npm', 'run', 'build']);
    for (const agent of AGENT_NAMES) {
      expect(dependencies(services[agent])).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    }
  });

  it('runs every agent in development mode, reachable from outside its container', () => {
    for (const agent of AGENT_NAMES) {
      const service = services[agent];
      const environment = composeEnvironment(service);
      expect(environment).toMatchObject({ APP_MODE: 'development', HOST: '0.0.0.0', PORT: '3000' });
      expect((service.command as string[]).filter((word) => agentCommand(agent).test(word))).toHaveLength(1);
      expect(healthcheckOf(service)?.test).toEqual(expect.arrayContaining([expect.stringContaining('/health/live')]));
    }
  });

  it('publishes the dev API on 3001:3000 and no other agent port', () => {
    expect(services.orchestrator?.ports).toEqual(['3001:3000']);
    for (const agent of AGENT_NAMES.filter((name) => name !== 'orchestrator')) {
      expect(services[agent]?.ports).toBeUndefined();
    }
    // The database is published on loopback only.
    expect(services.postgres?.ports).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+:5432$/)]);
  });

  it('bind-mounts only sources of this checkout, read-only', () => {
    const binds = Object.values(services).flatMap((service) =>
      (Array.isArray(service.volumes) ? (service.volumes as string[]) : []).filter((volume) => /^[./~$]/.test(volume)),
    );
    expect(binds.length).toBeGreaterThan(0);
    for (const bind of binds) {
      const [source, , mode] = bind.split(':');
      // A path inside the repository (docker/..), never the whole checkout, a parent or an env file.
      expect(source).toMatch(/^\.\.\/(?!\.\.?(\/|$)|\.env)[^/]/);
      expect(existsSync(join(REPO_ROOT, 'docker', source))).toBe(true);
      expect(mode).toBe('ro');
    }
  });
});

describe('docker/compose.prod.yml', () => {
  const compose = loadCompose('docker/compose.prod.yml');
  const { services } = compose;
  const agents = AGENT_NAMES.map((agent) => [agent, services[agent]] as const);

  it('uses known compose fields, and every dependency, volume and network it names exists', () => {
    expectWellFormed(compose);
    expect(Object.keys(services).sort()).toEqual([...AGENT_NAMES, 'migrate'].sort());
  });

  it("runs each agent's released image, by a tag that must be given, and builds nothing", () => {
    for (const [agent, service] of agents) {
      expect(service.image).toBe(
        `\${COGO_IMAGE_REPOSITORY:-ghcr.io/your-org/cogo-agent-core}/${agent}:\${COGO_IMAGE_TAG:?set COGO_IMAGE_TAG to the release to run}`,
      );
    }
    for (const service of Object.values(services)) expect(service.build).toBeUndefined();
  });

  it('publishes no port: only /metrics and /health/* are served, to the compose network', () => {
    for (const [, service] of Object.entries(services)) {
      expect(service.ports).toBeUndefined();
      expect(service.network_mode).toBeUndefined();
    }
    for (const [, service] of agents) expect(service.expose).toEqual(['3000']);
  });

  it('mounts no host path', () => {
    for (const service of Object.values(services)) {
      expect(composeMounts(service).filter((mount) => mount.bind)).toEqual([]);
    }
  });

  it('runs every service in production mode as non-root, read-only and without capabilities', () => {
    for (const [agent, service] of agents) {
      expect({ agent, ...composeEnvironment(service) }).toMatchObject({
        agent,
        APP_MODE: 'production',
        NODE_ENV: 'production',
      });
    }
    for (const service of Object.values(services)) {
      expect(service.user).toMatch(/^[1-9]\d*:\d+$/);
      expect(service.read_only).toBe(true);
      expect(service.cap_drop).toEqual(['ALL']);
      expect(service.security_opt).toContain('no-new-privileges:true');
      expect(service.privileged).toBeUndefined();
    }
  });

  it('restarts, limits and health-checks every agent', () => {
    for (const [, service] of agents) {
      expect(service.restart).toBe('unless-stopped');
      const limits = (service.deploy as { resources?: { limits?: Record<string, unknown> } }).resources?.limits;
      expect(Object.keys(limits ?? {}).sort()).toEqual(['cpus', 'memory']);
      expect(limits?.cpus).toMatch(/^\d+(\.\d+)?$/);
      expect(limits?.memory).toMatch(/^\d+[MG]$/);
      expect(healthcheckOf(service)?.test).toEqual(expect.arrayContaining([expect.stringContaining('/health/live')]));
      expect(service.stop_grace_period).toMatch(/^\d+s$/);
    }
  });

  it('takes secrets from a git-ignored env file and never sets them in the file', () => {
    for (const service of Object.values(services)) {
      expect(service.env_file).toEqual(['.env.production']);
      for (const [name, value] of Object.entries(composeEnvironment(service))) {
        if (SECRET_NAME.test(name))
          expect({ name, reference: isEnvironmentReference(value) }).toEqual({ name, reference: true });
      }
    }
    const ignored = (path: string): boolean => {
      try {
        execFileSync('git', ['check-ignore', '-q', path], { cwd: REPO_ROOT });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored('docker/.env.production')).toBe(true);
    expect(ignored('docker/.env.example')).toBe(false);
  });

  it('migrates only when asked to, with the runner inside the released image', () => {
    const migrate = services.migrate;
    expect(migrate.profiles).toEqual(['migrate']);
    expect(migrate.command).toEqual(['node', 'dist/scripts/migrate.js']);
    expect(migrate.restart).toBe('no');
    expect(migrate.image).toBe(services.orchestrator?.image);
    for (const [, service] of agents) expect(dependencies(service)).not.toHaveProperty('migrate');
  });
});
