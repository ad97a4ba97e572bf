import { lastValueFrom } from 'rxjs';
import { BusTestBed, type TestCaller } from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';
import type { FrameRecord } from '../../support/realtime';

/** Workers and callers poll once a minute: what gets answered in time was woken up or caught up. */
const NO_POLL = { POLL_INTERVAL_MS: '60000' };

/**
 * The Supabase driver against the faults of the Realtime test server. Every test ends the same
 * way: every request answered, every request and reply row `done`. Nothing is lost.
 */
describe('the Supabase driver under Realtime faults', () => {
  let bed: BusTestBed;
  let caller: TestCaller;
  let sent = 0;

  beforeEach(async () => {
    bed = await BusTestBed.create('supabase');
    caller = await bed.createCaller({ timeoutMs: 20_000, pollIntervalMs: 60_000 });
    sent = 0;
  });

  afterEach(async () => {
    await bed?.close();
  });

  const workerTopic = (): string => `realtime:agent-bus:${bed.group}`;

  const frames = (event: string, topic: string, direction: FrameRecord['direction']): FrameRecord[] =>
    bed.realtime.frames.filter(
      (frame) => frame.direction === direction && frame.message?.event === event && frame.message.topic === topic,
    );

  /** Sends `count` echo requests at once and checks each reply. */
  async function roundTrips(label: string, count: number): Promise<void> {
    sent += count;
    const replies = await Promise.all(
      Array.from({ length: count }, (_, i) => lastValueFrom(caller.client.send<unknown>('fixture.echo', { label, i }))),
    );
    expect(replies.map((reply) => (reply as { echoed: { i: number } }).echoed.i)).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
  }

  async function expectNothingLost(): Promise<void> {
    expect(await bed.statusesOf('request')).toEqual({ done: sent });
    expect(await bed.statusesOf('reply')).toEqual({ done: sent });
  }

  it('rebuilds a channel whose join is refused, and catches up once it is live', async () => {
    bed.realtime.failNextJoins(2);
    await bed.startWorker('refused', NO_POLL);

    await roundTrips('after refused joins', 20);

    expect(bed.realtime.counters.joinsFailed).toBe(2);
    expect(frames('phx_join', workerTopic(), 'in')).toHaveLength(3);
    await expectNothingLost();
  });

  it('rebuilds a channel whose join gets no reply (TIMED_OUT)', async () => {
    bed.realtime.ignoreNextJoins(1);
    const starting = bed.startWorker('ignored', NO_POLL);
    const pending = roundTrips('while the join times out', 10);
    await starting;
    await pending;
    await roundTrips('after the join timed out', 10);

    expect(bed.realtime.counters.joinsIgnored).toBe(1);
    expect(frames('phx_join', workerTopic(), 'in').length).toBeGreaterThanOrEqual(2);
    await expectNothingLost();
  });

  it('builds a new channel when Realtime closes one with a system error then phx_close', async () => {
    await bed.startWorker('closed', NO_POLL);
    await roundTrips('before', 5);

    expect(bed.realtime.systemErrorThenClose(`agent-bus:${bed.group}`, 'Too many messages per second')).toBe(1);
    expect(bed.realtime.systemErrorThenClose(`agent-bus:${caller.instanceId}`, 'Too many messages per second')).toBe(1);
    await roundTrips('after the channels were closed', 20);

    // phx_close is final for a channel object: exactly one new join each, by the driver.
    expect(frames('phx_join', workerTopic(), 'in')).toHaveLength(2);
    expect(frames('phx_join', `realtime:agent-bus:${caller.instanceId}`, 'in')).toHaveLength(2);
    await expectNothingLost();
  });

  it('reconnects a socket whose heartbeats go unanswered', async () => {
    await bed.startWorker('heartbeat', { ...NO_POLL, SUPABASE_HEARTBEAT_MS: '300' });
    await roundTrips('before', 5);
    const opened = bed.realtime.counters.connectionsOpened;

    bed.realtime.stopHeartbeatReplies();
    try {
      await waitFor(
        () => (bed.realtime.counters.connectionsOpened > opened ? true : undefined),
        'the worker to give up its socket and open a new one',
        10_000,
      );
      const during = roundTrips('while heartbeats go unanswered', 10);
      await new Promise((done) => setTimeout(done, 500));
      bed.realtime.resumeHeartbeatReplies();
      await during;
    } finally {
      bed.realtime.resumeHeartbeatReplies();
    }
    await roundTrips('after heartbeats resumed', 10);

    expect(bed.realtime.counters.heartbeatsUnanswered).toBeGreaterThanOrEqual(1);
    await expectNothingLost();
  });

  it('ignores change events with foreign binding ids, and the poll backstop delivers', async () => {
    await bed.close();
    bed = await BusTestBed.create('supabase');
    caller = await bed.createCaller({ timeoutMs: 20_000, pollIntervalMs: 300 });
    await bed.startWorker('foreign', { POLL_INTERVAL_MS: '300' });
    const delivered = bed.realtime.counters.changesDelivered;

    bed.realtime.sendForeignBindingIds(true);
    await roundTrips('with foreign binding ids', 20);

    // 20 requests for the worker's channel and 20 replies for the caller's, each with a foreign id.
    await waitFor(
      () => (bed.realtime.counters.changesWithForeignIds >= 40 ? true : undefined),
      'every change to have been sent with a foreign binding id',
    );
    expect(bed.realtime.counters.changesDelivered).toBe(delivered);
    await expectNothingLost();
  });

  it('processes an insert made in the readiness gap, by the catch-up claim on "Subscribed to PostgreSQL"', async () => {
    bed.realtime.setSubscribeDelay(2_000);
    const starting = bed.startWorker('gap', NO_POLL);
    const joined = await bed.realtime.waitForFrame(
      (frame) =>
        frame.direction === 'out' && frame.message?.event === 'phx_reply' && frame.message.topic === workerTopic(),
      20_000,
    );
    // SUBSCRIBED has fired in the worker; the database listener is not live for another 2 s.
    const gapRequests = roundTrips('inserted in the readiness gap', 10);
    await starting;
    await gapRequests;

    const [live] = frames('system', workerTopic(), 'out');
    expect(live.message?.payload).toMatchObject({ message: 'Subscribed to PostgreSQL', status: 'ok' });
    const requests = await bed.requests();
    expect(requests).toHaveLength(10);
    for (const request of requests) {
      expect(request.created_at.getTime()).toBeGreaterThan(joined.at - 50);
      expect(request.created_at.getTime()).toBeLessThan(live.at);
      // Claimed only once the listener was live: SUBSCRIBED alone must not count as live.
      expect(request.claimed_at!.getTime()).toBeGreaterThanOrEqual(live.at - 50);
    }
    // The feed never delivered them (they predate its snapshot): only the catch-up claim found them.
    const changes = frames('postgres_changes', workerTopic(), 'out');
    const ids = new Set(requests.map((request) => request.id));
    expect(changes.filter((frame) => ids.has(recordId(frame)))).toEqual([]);
    await expectNothingLost();
  });

  it('loses nothing when every socket is dropped twice under load', async () => {
    await Promise.all(['d1', 'd2'].map((name) => bed.startWorker(name, { ...NO_POLL, CONCURRENCY: '8' })));
    sent += 200;
    const replies = Array.from({ length: 200 }, (_, i) =>
      lastValueFrom(caller.client.send<unknown>('fixture.work', { key: `drop-${i}`, sleepMs: 20 })),
    );
    for (let round = 0; round < 2; round++) {
      await waitFor(
        async () => ((await bed.executions()).length >= 60 * (round + 1) ? true : undefined),
        'work to be under way',
      );
      const restored = await bed.severWakeups();
      await restored();
    }
    const answered = (await Promise.all(replies)) as { key: string }[];
    expect(answered.map((reply) => reply.key)).toEqual(Array.from({ length: 200 }, (_, i) => `drop-${i}`));
    expect(new Set((await bed.executions()).map((run) => run.key)).size).toBe(200);
    await expectNothingLost();
  });
});

function recordId(frame: FrameRecord): string {
  const data = frame.message?.payload.data as { record?: { id?: string } } | undefined;
  return data?.record?.id ?? '';
}
