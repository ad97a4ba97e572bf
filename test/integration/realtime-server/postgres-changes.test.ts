import type { SupabaseClient } from '@supabase/supabase-js';
import {
  ChannelProbe,
  closeSupabaseTestClient,
  createSupabaseTestClient,
  eventually,
  RealtimeTestServer,
  sendBusMessage,
  type FrameRecord,
} from '../../support/realtime';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const SERVICE_KEY = 'test-service-role-key';
const ANON_KEY = 'test-anon-key';

describe('RealtimeTestServer postgres_changes', () => {
  let db: TestDatabase;
  let server: RealtimeTestServer;
  let clients: SupabaseClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 4 });
    server = await RealtimeTestServer.start({ databaseUrl: db.url, serviceRoleKey: SERVICE_KEY, anonKey: ANON_KEY });
  });

  afterEach(async () => {
    await Promise.all(clients.map(closeSupabaseTestClient));
    clients = [];
    server.setSubscribeDelay(50);
    server.sendForeignBindingIds(false);
  });

  afterAll(async () => {
    await server.stop();
    await db.drop();
    expect(server.feedErrors).toEqual([]);
  });

  function client(options: Parameters<typeof createSupabaseTestClient>[2] = {}, key = SERVICE_KEY): SupabaseClient {
    const created = createSupabaseTestClient(server.url, key, options);
    clients.push(created);
    return created;
  }

  const outFrames = (event: string, topic: string): FrameRecord[] =>
    server.frames.filter(
      (frame) => frame.direction === 'out' && frame.message?.event === event && frame.message.topic === topic,
    );

  it('reports SUBSCRIBED on the join reply, then "Subscribed to PostgreSQL", then delivers a matching insert', async () => {
    const probe = ChannelProbe.subscribe(client(), 'agent-bus:codegen', { filter: 'recipient=eq.codegen' });

    await probe.waitForStatus('SUBSCRIBED');
    await probe.waitUntilLive();
    expect(probe.systemMessages).toEqual([
      {
        channel: 'agent-bus:codegen',
        extension: 'postgres_changes',
        message: 'Subscribed to PostgreSQL',
        status: 'ok',
      },
    ]);
    const [reply] = outFrames('phx_reply', 'realtime:agent-bus:codegen');
    const [system] = outFrames('system', 'realtime:agent-bus:codegen');
    expect(server.frames.indexOf(reply)).toBeLessThan(server.frames.indexOf(system));

    const id = await sendBusMessage(db.pool, { recipient: 'codegen', payload: { task: 'write', n: 1 } });
    const change = await probe.waitForChange((row) => row.id === id);

    expect(change).toMatchObject({ schema: 'public', table: 'agent_messages', eventType: 'INSERT', errors: null });
    expect(change.new).toMatchObject({
      id,
      recipient: 'codegen',
      kind: 'request',
      status: 'queued',
      attempts: 0,
      payload: { task: 'write', n: 1 },
      headers: {},
      correlation_id: null,
    });
    expect(change.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(change.new.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00$/);
  });

  it('puts the binding ids, typed columns and the record on the wire like realtime', async () => {
    const probe = ChannelProbe.subscribe(client(), 'agent-bus:wire', { filter: 'recipient=eq.wire' });
    await probe.waitUntilLive();
    const id = await sendBusMessage(db.pool, { recipient: 'wire' });
    await probe.waitForChange((row) => row.id === id);

    const [reply] = outFrames('phx_reply', 'realtime:agent-bus:wire');
    const replyPayload = reply.message?.payload as { response: { postgres_changes: Array<{ id: number }> } };
    const [binding] = replyPayload.response.postgres_changes;
    expect(binding).toEqual({
      id: expect.any(Number) as number,
      event: 'INSERT',
      schema: 'public',
      table: 'agent_messages',
      filter: 'recipient=eq.wire',
    });

    const [change] = outFrames('postgres_changes', 'realtime:agent-bus:wire');
    const wire = JSON.parse(change.raw) as unknown[];
    expect(wire.slice(0, 4)).toEqual([null, null, 'realtime:agent-bus:wire', 'postgres_changes']);
    const payload = wire[4] as {
      ids: number[];
      data: { columns: Array<{ name: string; type: string }>; record: Record<string, unknown> };
    };
    expect(payload.ids).toEqual([binding.id]);
    expect(payload.data.columns).toEqual(
      expect.arrayContaining([
        { name: 'id', type: 'uuid' },
        { name: 'recipient', type: 'bus_name' },
        { name: 'payload', type: 'jsonb' },
        { name: 'attempts', type: 'int4' },
        { name: 'created_at', type: 'timestamptz' },
      ]),
    );
    expect(payload.data.record.payload).toEqual({ n: 1 });
  });

  it('does not deliver an insert for another recipient', async () => {
    const probe = ChannelProbe.subscribe(client(), 'agent-bus:reviewer', { filter: 'recipient=eq.reviewer' });
    await probe.waitUntilLive();

    const other = await sendBusMessage(db.pool, { recipient: 'planner' });
    const mine = await sendBusMessage(db.pool, { recipient: 'reviewer' });
    await probe.waitForChange((row) => row.id === mine);

    // Changes are published in commit order, so the earlier insert would have arrived first.
    expect(probe.receivedIds()).toEqual([mine]);
    expect(probe.receivedIds()).not.toContain(other);
  });

  it('drops inserts committed during the readiness gap, though they are in the table', async () => {
    server.setSubscribeDelay(500);
    const probe = ChannelProbe.subscribe(client(), 'agent-bus:gap', { filter: 'recipient=eq.gap' });
    await probe.waitForStatus('SUBSCRIBED');

    const early = await sendBusMessage(db.pool, { recipient: 'gap' });
    expect(probe.liveMessages()).toHaveLength(0);
    await probe.waitUntilLive();
    const late = await sendBusMessage(db.pool, { recipient: 'gap' });
    await probe.waitForChange((row) => row.id === late);

    expect(probe.receivedIds()).toEqual([late]);
    const { rows } = await db.pool.query<{ id: string }>(
      "select id from public.agent_messages where recipient = 'gap' order by created_at",
    );
    expect(rows.map((row) => row.id)).toEqual([early, late]);
  });

  it('speaks vsn 1.0.0 JSON objects when the client asks for them', async () => {
    const probe = ChannelProbe.subscribe(client({ vsn: '1.0.0' }), 'agent-bus:legacy', {
      filter: 'recipient=eq.legacy',
    });
    await probe.waitUntilLive();
    const id = await sendBusMessage(db.pool, { recipient: 'legacy' });
    const change = await probe.waitForChange((row) => row.id === id);

    expect(change.new.recipient).toBe('legacy');
    const frames = server.frames.filter((frame) => frame.message?.topic === 'realtime:agent-bus:legacy');
    expect(frames.length).toBeGreaterThanOrEqual(4);
    for (const frame of frames) {
      expect(frame.vsn).toBe('1.0.0');
      const parsed = JSON.parse(frame.raw) as Record<string, unknown>;
      expect(Array.isArray(parsed)).toBe(false);
      if (frame.direction === 'out') expect(Object.keys(parsed).sort()).toEqual(['event', 'payload', 'ref', 'topic']);
    }
  });

  it('echoes the refs the client sent and tags system messages with the join ref', async () => {
    const probe = ChannelProbe.subscribe(client(), 'agent-bus:refs', { filter: 'recipient=eq.refs' });
    await probe.waitUntilLive();

    const join = server.frames.find(
      (frame) =>
        frame.direction === 'in' &&
        frame.message?.event === 'phx_join' &&
        frame.message.topic === 'realtime:agent-bus:refs',
    );
    expect(join?.message?.joinRef).toBe(join?.message?.ref);
    const [reply] = outFrames('phx_reply', 'realtime:agent-bus:refs');
    expect([reply.message?.joinRef, reply.message?.ref]).toEqual([join?.message?.joinRef, join?.message?.ref]);
    const [system] = outFrames('system', 'realtime:agent-bus:refs');
    expect([system.message?.joinRef, system.message?.ref]).toEqual([join?.message?.joinRef, null]);
  });

  it('delivers to every binding of an in filter and to no one else', async () => {
    const probe = ChannelProbe.subscribe(client(), 'agent-bus:pair', { filter: 'recipient=in.(alpha,beta)' });
    await probe.waitUntilLive();

    const alpha = await sendBusMessage(db.pool, { recipient: 'alpha' });
    const gamma = await sendBusMessage(db.pool, { recipient: 'gamma' });
    const beta = await sendBusMessage(db.pool, { recipient: 'beta' });
    await probe.waitForChange((row) => row.id === beta);

    expect(probe.receivedIds()).toEqual([alpha, beta]);
    expect(probe.receivedIds()).not.toContain(gamma);
  });

  it('sends change frames with foreign binding ids that the client does not pass to the callback', async () => {
    const probe = ChannelProbe.subscribe(client(), 'agent-bus:foreign', { filter: 'recipient=eq.foreign' });
    await probe.waitUntilLive();

    server.sendForeignBindingIds(true);
    const ignored = await sendBusMessage(db.pool, { recipient: 'foreign' });
    await server.waitForFrame(
      (frame) =>
        frame.direction === 'out' &&
        frame.message?.event === 'postgres_changes' &&
        JSON.stringify(frame.message.payload).includes(ignored),
    );
    server.sendForeignBindingIds(false);
    const delivered = await sendBusMessage(db.pool, { recipient: 'foreign' });
    await probe.waitForChange((row) => row.id === delivered);

    expect(probe.receivedIds()).toEqual([delivered]);
    expect(server.counters.changesWithForeignIds).toBeGreaterThanOrEqual(1);
  });

  it('gives a role that cannot read the table an Error 401 change without the record', async () => {
    const probe = ChannelProbe.subscribe(client({}, ANON_KEY), 'agent-bus:anon', { filter: 'recipient=eq.anon' });
    await probe.waitUntilLive();

    await sendBusMessage(db.pool, { recipient: 'anon' });
    const [change] = await eventually(() => probe.changes.length > 0 && probe.changes, 5_000, 'an Error 401 change');

    expect(change).toMatchObject({ eventType: 'INSERT', new: {}, errors: ['Error 401: Unauthorized'] });
  });

  it('reports a postgres_changes system error for a table that does not exist, and keeps the channel', async () => {
    const probe = ChannelProbe.subscribe(client(), 'agent-bus:missing', { table: 'no_such_table' });
    await probe.waitForStatus('SUBSCRIBED');
    const [error] = await eventually(
      () => probe.systemMessages.length > 0 && probe.systemMessages,
      5_000,
      'a system error',
    );

    expect(error).toMatchObject({ extension: 'postgres_changes', status: 'error', channel: 'agent-bus:missing' });
    expect(error.message).toMatch(/no_such_table does not exist/);
    expect(probe.channel.state).toBe('joined');
  });

  it('installs its trigger on start and leaves no trigger, function or connection behind on stop', async () => {
    const counts = async () => {
      const { rows } = await db.pool.query<{ triggers: number; functions: number; connections: number }>(
        `select (select count(*)::int from pg_trigger where tgname like 'realtime_test_%') as triggers,
                (select count(*)::int from pg_proc where proname like 'realtime_test_notify_%') as functions,
                (select count(*)::int from pg_stat_activity
                  where datname = current_database() and application_name = 'realtime-test-server') as connections`,
      );
      return rows[0];
    };
    const before = await counts();
    const second = await RealtimeTestServer.start({ databaseUrl: db.url, serviceRoleKey: 'second-server-key' });
    const running = await counts();
    await second.stop();

    expect(running).toEqual({
      triggers: before.triggers + 1,
      functions: before.functions + 1,
      connections: expect.any(Number) as number,
    });
    expect(running.connections).toBeGreaterThan(before.connections);
    // A backend leaves pg_stat_activity a moment after its client disconnects.
    let after = await counts();
    for (let tries = 0; tries < 50 && after.connections !== before.connections; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await counts();
    }
    expect(after).toEqual(before);
    expect(second.feedErrors).toEqual([]);
  });
});
