/**
 * `npm run bench:bus`: measures the bus against its floor and its peers, in one run on one
 * embedded Postgres, and writes reports/bench-bus.json.
 *
 *  floor            request -> claim -> reply with bare `pg` and the same SQL functions, no framework
 *  send_1 / send_64 BusClient.send() round trips with 1 and 64 requests in flight
 *  events_16        events drained per second while 16 emitters publish
 *  drain            deliveries already queued, drained per second (compared with the peers)
 *  peers            graphile-worker and pg-boss on the same database: enqueue -> handler, drain
 *  rss_idle_mb      resident memory of an idle agent process (codegen-worker)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Controller, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Logger as GraphileLogger, run as runGraphileWorker } from 'graphile-worker';
import { Client, type Pool } from 'pg';
import PgBoss from 'pg-boss';
import { lastValueFrom } from 'rxjs';
import { BusClient, BusModule, BusServer, PostgresDriver, connectBus } from '@cogo/bus';
import { EmbeddedPostgres, createPgPool, runMigrations } from '@cogo/store';

const ROOT = resolve(__dirname, '..', '..');
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 400);
const PARALLEL_TOTAL = Number(process.env.BENCH_PARALLEL ?? 6_000);
const EVENTS_TOTAL = Number(process.env.BENCH_EVENTS ?? 20_000);
const DRAIN_TOTAL = Number(process.env.BENCH_DRAIN ?? 5_000);

interface Latency {
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
}

function log(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => {
    const rank = (p / 100) * (sorted.length - 1);
    const low = Math.floor(rank);
    const high = Math.ceil(rank);
    return round(sorted[low] + (sorted[high] - sorted[low]) * (rank - low));
  };
  return { p50_ms: at(50), p90_ms: at(90), p99_ms: at(99) };
}

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

async function timeSequential(count: number, once: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count + 20; i++) {
    const started = now();
    await once(i);
    if (i >= 20) samples.push(now() - started); // the first 20 warm up JIT and connections
  }
  return samples;
}

/** (a) The floor: the same round trip, hand-written on bare pg. */
async function measureFloor(url: string): Promise<Latency> {
  const pool = createPgPool({ connectionString: url, max: 4 });
  const workerListen = new Client({ connectionString: url });
  const callerListen = new Client({ connectionString: url });
  await Promise.all([workerListen.connect(), callerListen.connect()]);
  await workerListen.query('listen "bus:floor"');
  await callerListen.query('listen "bus:floor-caller"');
  const waiting = new Map<string, () => void>();
  workerListen.on('notification', () => {
    void (async () => {
      const { rows } = await pool.query<{ id: string; attempts: number; payload: unknown }>(
        "select id, attempts, payload from bus_claim('floor', 'floor-worker', 10, 30000)",
      );
      for (const row of rows) {
        await pool.query("select bus_complete($1, 'floor-worker', $2, $3::jsonb)", [
          row.id,
          row.attempts,
          JSON.stringify(row.payload),
        ]);
      }
    })();
  });
  callerListen.on('notification', () => {
    void (async () => {
      const { rows } = await pool.query<{ correlation_id: string }>(
        "select correlation_id from bus_take_replies('floor-caller', 100)",
      );
      for (const row of rows) waiting.get(row.correlation_id)?.();
    })();
  });
  const samples = await timeSequential(SEQUENTIAL, async (i) => {
    const id = randomUUID();
    const replied = new Promise<void>((done) => waiting.set(id, done));
    await pool.query('select * from bus_send($1::jsonb)', [
      JSON.stringify([{ id, pattern: 'floor.echo', sender: 'floor-caller', recipient: 'floor', payload: { i } }]),
    ]);
    await replied;
    waiting.delete(id);
  });
  await Promise.all([workerListen.end(), callerListen.end(), pool.end()]);
  return latency(samples);
}

const BENCH_COUNTER = Symbol('BENCH_COUNTER');

interface Counter {
  events: number;
  onEvent?: () => void;
}

@Controller()
class BenchHandlers {
  constructor(@Inject(BENCH_COUNTER) private readonly counter: Counter) {}

  @MessagePattern('bench.echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @EventPattern<string>('bench.tick')
  tick(): void {
    this.counter.events += 1;
    this.counter.onEvent?.();
  }
}

async function startBusApp(url: string, counter: Counter, listen: boolean) {
  @Module({
    imports: [
      BusModule.forRoot({
        agent: 'bench',
        instanceId: `bench:${randomUUID().slice(0, 8)}`,
        version: 'bench',
        routes: { 'bench.*': 'bench' },
        server: { concurrency: 128, claimBatchSize: 64, pollIntervalMs: 1_000 },
        client: { timeoutMs: 60_000 },
        driver: () => new PostgresDriver({ connectionString: url, applicationName: 'bench', poolSize: 12 }),
      }),
    ],
    controllers: [BenchHandlers],
    providers: [{ provide: BENCH_COUNTER, useValue: counter }],
  })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
  connectBus(app);
  if (listen) await app.startAllMicroservices();
  await app.init();
  const client = app.get(BusClient);
  await client.connect();
  return { app, client, server: app.get(BusServer) };
}

/** (b) This transport. */
async function measureTransport(url: string) {
  const counter: Counter = { events: 0 };
  const { app, client } = await startBusApp(url, counter, true);

  const send1 = latency(
    await timeSequential(SEQUENTIAL, (i) => lastValueFrom(client.send<unknown>('bench.echo', { i }))),
  );
  log(`send() at 1 in flight: p50 ${send1.p50_ms} ms`);

  const send64Samples: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const pgBefore = postgresCpuMs();
  const started = now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < PARALLEL_TOTAL) {
        const i = next++;
        const t0 = now();
        await lastValueFrom(client.send<unknown>('bench.echo', { i }));
        send64Samples.push(now() - t0);
      }
    }),
  );
  const send64 = { rps: round(PARALLEL_TOTAL / ((now() - started) / 1000), 0), p90_ms: latency(send64Samples).p90_ms };
  const wallMs = now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  log(
    `send() at 64 in flight: ${send64.rps} round trips/s; CPU per round trip: node ${round((cpu.user + cpu.system) / 1000 / PARALLEL_TOTAL, 3)} ms, postgres ${round((postgresCpuMs() - pgBefore) / PARALLEL_TOTAL, 3)} ms (wall ${round(wallMs / PARALLEL_TOTAL, 3)} ms)`,
  );
  if (process.env.BENCH_PROFILE_SQL) await printFunctionStats(url, 'after send_64');

  const allHandled = new Promise<void>((done) => {
    counter.onEvent = () => counter.events >= EVENTS_TOTAL && done();
  });
  let emitted = 0;
  const eventsStarted = now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (emitted < EVENTS_TOTAL) {
        emitted += 1;
        await lastValueFrom(client.emit('bench.tick', { n: emitted }));
      }
    }),
  );
  await allHandled;
  const events16 = { per_s: round(EVENTS_TOTAL / ((now() - eventsStarted) / 1000), 0) };
  log(`events with 16 emitters: ${events16.per_s}/s`);
  await app.close();
  return { send1, send64, events16 };
}

/** CPU time of every postgres process, from /proc (Linux), in ms. */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return (ticks * 1000) / 100;
}

async function printFunctionStats(url: string, label: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ funcname: string; calls: string; self_time: number; total_time: number }>(
    "select funcname, calls, round(self_time::numeric, 1) as self_time, round(total_time::numeric, 1) as total_time from pg_stat_user_functions where funcname like 'bus%' order by total_time desc",
  );
  log(`SQL functions ${label}: ${rows.map((r) => `${r.funcname} ${r.calls} calls ${r.total_time} ms`).join(', ')}`);
  await client.query('select pg_stat_reset()');
  await client.end();
}

/** Deliveries already queued, drained by a server that starts afterwards. */
async function measureBusDrain(url: string, pool: Pool): Promise<number> {
  const batch = Array.from({ length: DRAIN_TOTAL }, (_, n) => ({
    pattern: 'bench.tick',
    kind: 'event',
    sender: 'bench-producer',
    recipient: 'bench',
    payload: { n },
  }));
  for (let i = 0; i < batch.length; i += 1_000) {
    await pool.query('select count(*) from bus_send($1::jsonb)', [JSON.stringify(batch.slice(i, i + 1_000))]);
  }
  const counter: Counter = { events: 0 };
  const drained = new Promise<void>((done) => {
    counter.onEvent = () => counter.events >= DRAIN_TOTAL && done();
  });
  const started = now();
  const { app } = await startBusApp(url, counter, true);
  await drained;
  const perSecond = round(DRAIN_TOTAL / ((now() - started) / 1000), 0);
  await app.close();
  return perSecond;
}

const quietGraphile = new GraphileLogger(() => () => undefined);

/** (c) graphile-worker on the same database. */
async function measureGraphile(url: string): Promise<{ p50_ms: number; per_s: number }> {
  let resolveJob: (() => void) | undefined;
  let drained = 0;
  let onDrained: (() => void) | undefined;
  const runner = await runGraphileWorker({
    connectionString: url,
    concurrency: 16,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: quietGraphile,
    taskList: {
      echo: () => {
        resolveJob?.();
        return Promise.resolve();
      },
      drain: () => {
        drained += 1;
        if (drained >= DRAIN_TOTAL) onDrained?.();
        return Promise.resolve();
      },
    },
  });
  const samples = await timeSequential(SEQUENTIAL, async (i) => {
    const handled = new Promise<void>((done) => (resolveJob = done));
    await runner.addJob('echo', { i });
    await handled;
  });
  await runner.stop();

  const pool = createPgPool({ connectionString: url, max: 2 });
  for (let i = 0; i < DRAIN_TOTAL; i += 1_000) {
    const specs = Array.from({ length: Math.min(1_000, DRAIN_TOTAL - i) }, (_, n) => ({
      identifier: 'drain',
      payload: { n: i + n },
    }));
    await pool.query(
      'select graphile_worker.add_jobs(array(select json_populate_recordset(null::graphile_worker.job_spec, $1::json)))',
      [JSON.stringify(specs)],
    );
  }
  await pool.end();
  drained = 0;
  const done = new Promise<void>((finish) => (onDrained = finish));
  const started = now();
  const drainRunner = await runGraphileWorker({
    connectionString: url,
    concurrency: 16,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: quietGraphile,
    taskList: {
      drain: () => {
        drained += 1;
        if (drained >= DRAIN_TOTAL) onDrained?.();
        return Promise.resolve();
      },
    },
  });
  await done;
  const perSecond = round(DRAIN_TOTAL / ((now() - started) / 1000), 0);
  await drainRunner.stop();
  return { p50_ms: latency(samples).p50_ms, per_s: perSecond };
}

/** (c) pg-boss on the same database. */
async function measurePgBoss(url: string): Promise<{ p50_ms: number; per_s: number }> {
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 8 });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue('echo');
  await boss.createQueue('drain');
  let resolveJob: (() => void) | undefined;
  await boss.work('echo', { pollingIntervalSeconds: 0.5, batchSize: 1 }, () => {
    resolveJob?.();
    return Promise.resolve();
  });
  const samples = await timeSequential(Math.min(SEQUENTIAL, 100), async (i) => {
    const handled = new Promise<void>((done) => (resolveJob = done));
    await boss.send('echo', { i });
    await handled;
  });
  for (let i = 0; i < DRAIN_TOTAL; i += 1_000) {
    await boss.insert(
      Array.from({ length: Math.min(1_000, DRAIN_TOTAL - i) }, (_, n) => ({ name: 'drain', data: { n: i + n } })),
    );
  }
  let drained = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolveDone) => (finish = resolveDone));
  const started = now();
  await boss.work('drain', { pollingIntervalSeconds: 0.5, batchSize: 64 }, (jobs) => {
    drained += jobs.length;
    if (drained >= DRAIN_TOTAL) finish();
    return Promise.resolve();
  });
  await done;
  const perSecond = round(DRAIN_TOTAL / ((now() - started) / 1000), 0);
  await boss.stop({ graceful: false, close: true });
  return { p50_ms: latency(samples).p50_ms, per_s: perSecond };
}

/** Resident memory of an idle agent, as a deployment would run it. */
async function measureIdleRss(url: string): Promise<number> {
  const port = 39_000 + Math.floor(Math.random() * 1_000);
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist/apps/codegen-worker/src/main.js')], {
    stdio: 'ignore',
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), APP_MODE: 'production', NODE_ENV: 'production' },
  });
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(1_000) })
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) break;
      await new Promise((done) => setTimeout(done, 200));
    }
    await new Promise((done) => setTimeout(done, 5_000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return round(kb / 1024, 1);
  } finally {
    child.kill('SIGTERM');
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'cogo-bench-'));
  chmodSync(root, 0o755);
  log('starting embedded Postgres…');
  const postgres = await EmbeddedPostgres.start({
    dataDir: join(root, 'data'),
    settings: { max_connections: '300', track_functions: 'all' },
  });
  try {
    const url = postgres.url();
    const pool = createPgPool({ connectionString: url, max: 2 });
    await runMigrations(pool, { directory: join(ROOT, 'supabase/migrations') });

    log(`floor: ${SEQUENTIAL} sequential round trips on bare pg…`);
    const floor = await measureFloor(url);
    log(`floor p50 ${floor.p50_ms} ms`);
    log('this transport…');
    const transport = await measureTransport(url);
    log(`drain of ${DRAIN_TOTAL} queued deliveries…`);
    const busDrain = await measureBusDrain(url, pool);
    log('graphile-worker…');
    const graphile = await measureGraphile(url);
    log('pg-boss…');
    const pgBoss = await measurePgBoss(url);
    log('idle agent memory…');
    const rssIdleMb = await measureIdleRss(url);
    await pool.end();

    const report = {
      measured_at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      floor: { p50_ms: floor.p50_ms, p90_ms: floor.p90_ms, p99_ms: floor.p99_ms },
      send_1: transport.send1,
      send_64: transport.send64,
      events_16: transport.events16,
      drain: { per_s: busDrain },
      peers: { 'graphile-worker': graphile, 'pg-boss': pgBoss },
      rss_idle_mb: rssIdleMb,
      ratios: {
        send_1_p50_to_floor_p50: round(transport.send1.p50_ms / floor.p50_ms, 2),
        send_1_p50_to_graphile_p50: round(transport.send1.p50_ms / graphile.p50_ms, 2),
        send_1_p50_to_pg_boss_p50: round(transport.send1.p50_ms / pgBoss.p50_ms, 2),
        drain_to_graphile: round(busDrain / graphile.per_s, 2),
        drain_to_pg_boss: round(busDrain / pgBoss.per_s, 2),
      },
      targets: {
        send_1_p50_le_1_3x_floor: transport.send1.p50_ms <= 1.3 * floor.p50_ms,
        send_1_p50_below_graphile: transport.send1.p50_ms < graphile.p50_ms,
        send_64_rps_ge_2000: transport.send64.rps >= 2_000,
        events_16_ge_5000: transport.events16.per_s >= 5_000,
        rss_idle_le_120mb: rssIdleMb <= 120,
      },
    };
    mkdirSync(join(ROOT, 'reports'), { recursive: true });
    writeFileSync(join(ROOT, 'reports/bench-bus.json'), `${JSON.stringify(report, null, 2)}\n`);

    const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    process.stdout.write(
      `\n${table([
        ['measure', 'p50 ms', 'p90 ms', 'p99 ms', 'throughput', 'ratio', 'target'],
        ['floor (bare pg round trip)', `${floor.p50_ms}`, `${floor.p90_ms}`, `${floor.p99_ms}`, '', '1.00', ''],
        [
          'send() 1 in flight',
          `${transport.send1.p50_ms}`,
          `${transport.send1.p90_ms}`,
          `${transport.send1.p99_ms}`,
          '',
          `${report.ratios.send_1_p50_to_floor_p50} x floor`,
          `<= 1.3 x floor: ${mark(report.targets.send_1_p50_le_1_3x_floor)}`,
        ],
        [
          'send() 64 in flight',
          '',
          `${transport.send64.p90_ms}`,
          '',
          `${transport.send64.rps} rt/s`,
          '',
          `>= 2000/s: ${mark(report.targets.send_64_rps_ge_2000)}`,
        ],
        [
          'events, 16 emitters',
          '',
          '',
          '',
          `${transport.events16.per_s} /s`,
          '',
          `>= 5000/s: ${mark(report.targets.events_16_ge_5000)}`,
        ],
        ['drain of queued deliveries', '', '', '', `${busDrain} /s`, '', ''],
        [
          'graphile-worker (one way)',
          `${graphile.p50_ms}`,
          '',
          '',
          `${graphile.per_s} /s drain`,
          `bus drain ${report.ratios.drain_to_graphile} x`,
          `send() p50 below: ${mark(report.targets.send_1_p50_below_graphile)}`,
        ],
        [
          'pg-boss (one way)',
          `${pgBoss.p50_ms}`,
          '',
          '',
          `${pgBoss.per_s} /s drain`,
          `bus drain ${report.ratios.drain_to_pg_boss} x`,
          '',
        ],
        ['idle agent RSS', '', '', '', `${rssIdleMb} MB`, '', `<= 120 MB: ${mark(report.targets.rss_idle_le_120mb)}`],
      ])}\n\nwrote reports/bench-bus.json\n`,
    );
  } finally {
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
