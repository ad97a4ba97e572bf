import { existsSync } from 'node:fs';
import { AGENT_NAMES } from '@cogo/config';
import { Dockerfile, execForm, type Instruction, type Stage } from './support/dockerfile';
import { dockerIgnores } from './support/dockerignore';
import { readRepoFile, repoPath } from './support/repo-files';

const dockerfile = new Dockerfile(readRepoFile('docker/Dockerfile'));
const dockerignore = readRepoFile('.dockerignore');

interface Copy {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly destination: string;
}

function copyOf(instruction: Instruction): Copy {
  const words = instruction.args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  return {
    from: flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length),
    sources: paths.slice(0, -1),
    destination: paths.at(-1) ?? '',
  };
}

const runs = (stage: Stage): string[] => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const agentStage = (agent: string): Stage => dockerfile.stage(agent);

describe('docker/Dockerfile', () => {
  it('is multi-stage and builds every stage from a Node 22 image pinned to a release', () => {
    const external = dockerfile.stages.filter((stage) => !stage.parent).map((stage) => stage.from);
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(4);
    expect(external.length).toBeGreaterThan(0);
    for (const image of external) {
      expect(image).toMatch(/^node:22\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/);
    }
  });

  it('installs dependencies from the lockfile with npm ci, never npm install', () => {
    const deps = dockerfile.stage('deps');
    const copiesLockfile = deps.instructions.findIndex(
      (i) => i.keyword === 'COPY' && copyOf(i).sources.includes('package-lock.json'),
    );
    const installs = deps.instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(copiesLockfile).toBeGreaterThanOrEqual(0);
    expect(installs).toBeGreaterThan(copiesLockfile);
    expect(dockerfile.text).not.toMatch(/\bnpm (install|i)\b/);
  });

  it('compiles once, in the build stage, after all dependencies are installed', () => {
    const builds = dockerfile.stages.flatMap((stage) =>
      runs(stage)
        .filter((run) => run.includes('npm run build'))
        .map(() => stage.name),
    );
    expect(builds).toEqual(['build']);
    expect(dockerfile.lineage(dockerfile.stage('build')).map((stage) => stage.name)).toContain('deps');
  });

  it('ships only production dependencies, installed without running any install script', () => {
    const runtimeCopies = dockerfile.instructionsOf(dockerfile.stage('runtime'), 'COPY').map(copyOf);
    const modules = runtimeCopies.find((copy) => copy.sources.some((source) => source.endsWith('node_modules')));
    expect(modules?.from).toBeDefined();
    const installs = runs(dockerfile.stage(modules!.from!)).filter((run) => /\bnpm ci\b/.test(run));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toContain('--omit=dev');
    expect(installs[0]).toContain('--ignore-scripts');
  });

  it('copies into the runtime image only dist/, production node_modules, package.json and the migrations', () => {
    const allowed = [
      { from: 'prod-deps', source: '/app/node_modules' },
      { from: 'build', source: '/app/dist' },
      { from: undefined, source: 'package.json' },
      { from: undefined, source: 'supabase/migrations' },
    ];
    for (const agent of AGENT_NAMES) {
      const stages = dockerfile.lineage(agentStage(agent));
      const fromRuntime = stages.slice(stages.findIndex((stage) => stage.name === 'runtime'));
      const copies = fromRuntime.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'COPY').map(copyOf));
      expect(copies.length).toBeGreaterThan(0);
      for (const copy of copies) {
        for (const source of copy.sources) {
          expect(allowed).toContainEqual({ from: copy.from, source });
        }
      }
      // Nothing before `runtime` in the chain but the bare base image: no sources, no dev tools.
      const before = stages.slice(0, stages.length - fromRuntime.length);
      expect(before.flatMap((stage) => stage.instructions.filter((i) => ['COPY', 'RUN'].includes(i.keyword)))).toEqual(
        [],
      );
    }
  });

  it('has one target per agent that runs its compiled main.js', () => {
    const shippable = dockerfile
      .targets()
      .map((stage) => stage.name)
      .filter((name) => name !== 'dev');
    expect(shippable.sort()).toEqual([...AGENT_NAMES].sort());
    for (const agent of AGENT_NAMES) {
      const stage = agentStage(agent);
      expect(dockerfile.lineage(stage).map((ancestor) => ancestor.name)).toContain('runtime');
      const command = execForm(dockerfile.effective(stage, 'CMD')?.args ?? '');
      expect(command).toEqual(['node', `dist/apps/${agent}/src/main.js`]);
      // `npm run build` (swc apps libs scripts -d dist) compiles apps/<agent>/src/main.ts there.
      expect(existsSync(repoPath('apps', agent, 'src', 'main.ts'))).toBe(true);
    }
  });

  it('carries the migration runner and the migrations in every agent image', () => {
    expect(existsSync(repoPath('scripts', 'migrate.ts'))).toBe(true);
    for (const agent of AGENT_NAMES) {
      const copies = dockerfile.instructionsOf(agentStage(agent), 'COPY').map(copyOf);
      expect(copies.flatMap((copy) => copy.sources)).toContain('supabase/migrations');
    }
  });

  it('runs every agent target as a non-root user', () => {
    for (const agent of AGENT_NAMES) {
      const user = dockerfile.effective(agentStage(agent), 'USER')?.args;
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
      // Numeric, so that Kubernetes can check runAsNonRoot without a passwd lookup.
      expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    }
  });

  it('starts agents in production mode, listening on port 3000', () => {
    for (const agent of AGENT_NAMES) {
      const stage = agentStage(agent);
      expect(dockerfile.environment(stage)).toMatchObject({
        NODE_ENV: 'production',
        APP_MODE: 'production',
        PORT: '3000',
      });
      expect(dockerfile.instructionsOf(stage, 'EXPOSE').map((i) => i.args)).toEqual(['3000']);
    }
    expect(dockerfile.text).not.toMatch(/APP_MODE=development/);
  });

  it("checks each agent's /health/live with node's fetch, not a tool the slim image lacks", () => {
    for (const agent of AGENT_NAMES) {
      const healthcheck = dockerfile.effective(agentStage(agent), 'HEALTHCHECK')?.args ?? '';
      const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 'CMD'.length));
      expect(command?.slice(0, 2)).toEqual(['node', '-e']);
      expect(command?.[2]).toContain('fetch(');
      expect(command?.[2]).toContain('/health/live');
      expect(healthcheck).toMatch(/--timeout=\d+s/);
    }
    expect(dockerfile.text).not.toMatch(/\b(curl|wget)\b/);
  });

  it('runs node under an init that forwards SIGTERM and reaps child processes', () => {
    for (const agent of AGENT_NAMES) {
      const entrypoint = execForm(dockerfile.effective(agentStage(agent), 'ENTRYPOINT')?.args ?? '');
      expect(entrypoint).toEqual(['/usr/bin/tini', '--']);
    }
    expect(runs(dockerfile.stage('runtime')).join('\n')).toMatch(/apt-get install -y --no-install-recommends tini/);
  });

  it('copies only files that exist and that the build context keeps', () => {
    const sources = dockerfile.stages
      .flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'COPY').map(copyOf))
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(repoPath(source))).toBe(true);
      expect({ source, ignored: dockerIgnores(dockerignore, source) }).toEqual({ source, ignored: false });
    }
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, local state, installed modules, build output and git out of the build context', () => {
    const excluded = [
      '.env',
      'docker/.env.production',
      'libs/.env.local',
      'node_modules/pg/package.json',
      'dist/apps/orchestrator/src/main.js',
      '.cogo/pg/postgresql.conf',
      'reports/gates.json',
      'coverage/lcov.info',
      '.git/HEAD',
      'test/deploy/dockerfile.spec.ts',
      'libs/bus/src/bus.server.spec.ts',
      'supabase/.temp/project-ref',
    ];
    for (const path of excluded) {
      expect({ path, ignored: dockerIgnores(dockerignore, path) }).toEqual({ path, ignored: true });
    }
    for (const path of ['apps/orchestrator/src/main.ts', 'package-lock.json', 'supabase/migrations/1_x.sql']) {
      expect({ path, ignored: dockerIgnores(dockerignore, path) }).toEqual({ path, ignored: false });
    }
  });
});
