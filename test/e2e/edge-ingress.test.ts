import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { MATH_SPEC } from '../../scripts/support/example-specs';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';
import { freePortBlock, waitFor } from '../support/process-tools';

const ROOT = resolve(__dirname, '../..');
const FUNCTION_DIR = join(ROOT, 'supabase/functions/agent-ingress');

/** An HS256 JWT as Supabase Auth issues it. */
function jwt(secret: string, claims: Record<string, unknown>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('a request through the Edge Function', () => {
  let e2e: E2eStack;
  let deno: ChildProcess | undefined;
  let output = '';
  let port: number;
  const secret = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    e2e = await startE2eStack();
    port = await freePortBlock(1);
    const denoBinary = join(dirname(require.resolve('deno/package.json')), 'deno');
    deno = spawn(
      denoBinary,
      [
        'run',
        '--no-prompt',
        '--frozen',
        '--config',
        join(FUNCTION_DIR, 'deno.json'),
        '--allow-net=127.0.0.1',
        '--allow-env',
        join(FUNCTION_DIR, 'index.ts'),
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          // The machine's environment (proxy and CA settings among it, for Deno's npm download),
          // less anything of a real Supabase project.
          ...Object.fromEntries(
            Object.entries(process.env).filter(([name]) => !/^(SUPABASE_|AGENT_INGRESS_)/.test(name)),
          ),
          DENO_DIR: process.env.DENO_DIR ?? join(ROOT, 'node_modules', '.cache', 'deno'),
          DENO_NO_UPDATE_CHECK: '1',
          PORT: String(port),
          SUPABASE_DB_URL: e2e.db.url,
          AGENT_INGRESS_JWT_SECRET: secret,
        },
      },
    );
    deno.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    deno.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      async () => {
        if (deno?.exitCode !== null) throw new Error(`the function exited:\n${output}`);
        const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'GET' }).catch(() => undefined);
        return response ? true : undefined;
      },
      'the Edge Function to listen',
      60_000,
      200,
    );
  });

  afterAll(async () => {
    deno?.kill('SIGTERM');
    await e2e?.close();
  });

  it('is enqueued for the orchestrator and runs a workflow on the local stack', async () => {
    const token = jwt(secret, { sub: 'user-1', role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 300 });
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, apikey: 'local-anon-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        intent: 'generate a math module and test it',
        template: 'codeBuildTest',
        input: { spec: MATH_SPEC },
      }),
    });
    const body = (await response.json()) as { trace_id: string; message_id: string };
    expect(response.status).toBe(202);
    expect(body.trace_id).toMatch(/^[0-9a-f]{32}$/);

    const run = await waitFor(
      async () => {
        const { rows } = await e2e.db.pool.query<{ status: string; template: string }>(
          'select status, template from workflow_runs where trace_id = $1',
          [body.trace_id],
        );
        return rows[0] && rows[0].status !== 'running' ? rows[0] : undefined;
      },
      'the workflow started by the Edge Function to finish',
      120_000,
      250,
    );
    expect(run).toEqual({ status: 'succeeded', template: 'codeBuildTest' });
    const { rows } = await e2e.db.pool.query<{ status: string; sender: string }>(
      "select status, sender from agent_messages where id = $1 and pattern = 'orchestrator.intake'",
      [body.message_id],
    );
    expect(rows).toEqual([{ status: 'done', sender: 'edge:agent-ingress' }]);
  });

  it('refuses a request without a valid token', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-jwt', apikey: 'local-anon-key', 'content-type': 'application/json' },
      body: JSON.stringify({ intent: 'index the repository' }),
    });
    expect(response.status).toBe(401);
  });
});
