import { lastValueFrom } from 'rxjs';
import { BusRecordBuilder, RemoteErrorException } from '@cogo/bus';
import { Capabilities, Events, type IndexResult, Patterns } from '@cogo/contracts';
import { waitFor } from '../../support/process-tools';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';
import {
  type IndexingCaller,
  type IndexingWorker,
  TempTree,
  createIndexingCaller,
  startIndexingWorker,
} from './indexing-worker.harness';

interface EventRow {
  readonly type: string;
  readonly source: string;
  readonly trace_id: string;
  readonly data: unknown;
}

/** 450 files: the default progress interval (200) reports twice while indexing, then once while pruning. */
const FILE_COUNT = 450;

describe('index.repository over the bus', () => {
  let db: TestDatabase;
  let worker: IndexingWorker;
  let caller: IndexingCaller;
  let tree: TempTree;

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await startIndexingWorker(db.url, { serveBus: true });
    caller = await createIndexingCaller(db.url);
    tree = new TempTree(
      Object.fromEntries(
        Array.from({ length: FILE_COUNT }, (_, i) => [
          `src/module-${String(i).padStart(3, '0')}.ts`,
          `export function handler${i}(): number {\n  return ${i};\n}\n`,
        ]),
      ),
    );
  });

  afterAll(async () => {
    await caller?.close();
    await worker?.close();
    await db?.drop();
    tree?.dispose();
  });

  const send = <T>(payload: unknown) => lastValueFrom(caller.client.send<T>(Patterns.IndexRepository, payload));

  async function requestRow(payload: Record<string, unknown>) {
    const { rows } = await db.pool.query<{ status: string; attempts: number; trace_id: string }>(
      `select status, attempts, trace_id from agent_messages
       where kind = 'request' and pattern = $1 and payload = $2::jsonb`,
      [Patterns.IndexRepository, JSON.stringify(payload)],
    );
    return rows;
  }

  it('declares the index.repository capability in its presence', async () => {
    const capabilities = await waitFor(async () => {
      const { rows } = await db.pool.query<{ capabilities: string[] }>(
        'select capabilities from agent_instances where instance_id = $1',
        [worker.instanceId],
      );
      return rows[0]?.capabilities;
    }, 'the indexing worker to register its presence');
    expect(capabilities).toEqual([Capabilities.IndexRepository]);
  });

  it('answers with the result and records index.progress and index.completed events in the request trace', async () => {
    const payload = { root: tree.root, repository: 'over-the-bus' };
    const result = await send<IndexResult>(payload);

    expect(result).toMatchObject({
      repository: 'over-the-bus',
      filesSeen: FILE_COUNT,
      filesIndexed: FILE_COUNT,
      filesUnchanged: 0,
      filesDeleted: 0,
      symbols: FILE_COUNT,
    });
    const [request] = await requestRow(payload);
    expect(request).toMatchObject({ status: 'done', attempts: 1 });
    const { rows: events } = await db.pool.query<EventRow>(
      "select type, source, trace_id, data from bus_events where type like 'index.%' order by created_at",
    );
    expect(events.map((event) => [event.type, event.data])).toEqual([
      [Events.IndexProgress, { repository: 'over-the-bus', filesSeen: 200, filesIndexed: 200, phase: 'indexing' }],
      [Events.IndexProgress, { repository: 'over-the-bus', filesSeen: 400, filesIndexed: 400, phase: 'indexing' }],
      [Events.IndexProgress, { repository: 'over-the-bus', filesSeen: 450, filesIndexed: 450, phase: 'pruning' }],
      [Events.IndexCompleted, result],
    ]);
    expect(new Set(events.map((event) => event.trace_id))).toEqual(new Set([request.trace_id]));
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(['indexing-worker']));
    const { rows: repository } = await db.pool.query<{ last_trace_id: string }>(
      "select last_trace_id from code_repositories where name = 'over-the-bus'",
    );
    expect(repository).toEqual([{ last_trace_id: request.trace_id }]);
  });

  it('refuses a root that does not exist at once, naming the root, without retrying', async () => {
    const payload = { root: `${tree.root}/missing`, repository: 'missing' };
    const error = await send<IndexResult>(payload).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemoteErrorException);
    expect(error).toMatchObject({ code: 'INDEX_ROOT_NOT_FOUND' });
    expect((error as Error).message).toContain(`root "${tree.root}/missing" does not exist`);
    expect(await requestRow(payload)).toMatchObject([{ status: 'failed', attempts: 1 }]);
  });

  it('refuses an invalid payload with the field and what is wrong with it', async () => {
    const payload = { root: '', repository: 'not a name!', extra: true };
    const error = await send<IndexResult>(payload).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const message = (error as Error).message;
    expect(message).toMatch(/root must be longer than or equal to 1 characters/);
    expect(message).toMatch(/repository must match/);
    expect(message).toMatch(/property extra should not exist/);
    expect(await requestRow(payload)).toMatchObject([{ status: 'failed', attempts: 1 }]);
  });

  it('answers a repeated request from the unchanged index', async () => {
    const record = new BusRecordBuilder({ root: tree.root, repository: 'over-the-bus' }).setTimeout(30_000).build();
    const result = await lastValueFrom(caller.client.send<IndexResult>(Patterns.IndexRepository, record));
    expect(result).toMatchObject({ filesSeen: FILE_COUNT, filesIndexed: 0, filesUnchanged: FILE_COUNT });
  });
});
