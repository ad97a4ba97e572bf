import type { SupabaseClient } from '@supabase/supabase-js';
import {
  ChannelProbe,
  closeSupabaseTestClient,
  createSupabaseTestClient,
  eventually,
  RealtimeTestServer,
  sendBusMessage,
} from '../../support/realtime';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const SERVICE_KEY = 'faults-service-role-key';

describe('RealtimeTestServer fault injection', () => {
  let db: TestDatabase;
  let server: RealtimeTestServer;
  let clients: SupabaseClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 4 });
    server = await RealtimeTestServer.start({ databaseUrl: db.url, serviceRoleKey: SERVICE_KEY });
  });

  afterEach(async () => {
    await Promise.all(clients.map(closeSupabaseTestClient));
    clients = [];
    server.resumeHeartbeatReplies();
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

  const joinsFor = (topic: string): number =>
    server.frames.filter(
      (frame) => frame.direction === 'in' && frame.message?.event === 'phx_join' && frame.message.topic === topic,
    ).length;

  it('makes a failed join CHANNEL_ERROR with the reason, and the client rejoins by itself', async () => {
    server.failNextJoins(1, 'UnableToConnectToProject: Realtime was unable to connect to the project database');
    const probe = ChannelProbe.subscribe(client(), 'faults:join-error', { filter: 'recipient=eq.join-error' });

    await probe.waitForStatus('CHANNEL_ERROR');
    expect(probe.errors[0]?.message).toBe(
      'UnableToConnectToProject: Realtime was unable to connect to the project database',
    );
    await probe.waitForStatus('SUBSCRIBED', 5_000);
    await probe.waitUntilLive();

    expect(probe.statuses).toEqual(['CHANNEL_ERROR', 'SUBSCRIBED']);
    expect(joinsFor('realtime:faults:join-error')).toBe(2);
  });

  it('makes an unanswered join TIMED_OUT after the client timeout, and the client rejoins', async () => {
    server.ignoreNextJoins(1);
    const probe = ChannelProbe.subscribe(client({ timeout: 300 }), 'faults:timeout', {
      filter: 'recipient=eq.timeout',
    });

    await probe.waitForStatus('TIMED_OUT', 3_000);
    expect(probe.statuses).toEqual(['TIMED_OUT']);
    await probe.waitForStatus('SUBSCRIBED', 5_000);
    await probe.waitUntilLive();

    expect(server.counters.joinsIgnored).toBeGreaterThanOrEqual(1);
  });

  it('closes a channel for good with a system error then phx_close: CLOSED, and no rejoin', async () => {
    const supabase = client();
    const probe = ChannelProbe.subscribe(supabase, 'faults:shutdown', { filter: 'recipient=eq.shutdown' });
    await probe.waitUntilLive();

    expect(server.systemErrorThenClose('faults:shutdown', 'Too many messages per second')).toBe(1);
    await probe.waitForStatus('CLOSED');

    expect(probe.systemMessages).toContainEqual({
      channel: 'faults:shutdown',
      extension: 'system',
      message: 'Too many messages per second',
      status: 'error',
    });
    // phx_close is final: the client drops the channel object instead of scheduling a rejoin.
    expect(probe.channel.state).toBe('closed');
    expect(supabase.getChannels()).not.toContain(probe.channel);
    expect(joinsFor('realtime:faults:shutdown')).toBe(1);
  });

  it('reconnects and rejoins after the server drops every socket, with a new "Subscribed to PostgreSQL"', async () => {
    const probe = ChannelProbe.subscribe(client(), 'faults:drop', { filter: 'recipient=eq.drop' });
    await probe.waitUntilLive();

    expect(server.dropSockets()).toBeGreaterThanOrEqual(1);
    await probe.waitForStatus('CHANNEL_ERROR');
    await probe.waitForStatus('SUBSCRIBED', 5_000, 2);
    await probe.waitUntilLive(5_000, 2);
    const id = await sendBusMessage(db.pool, { recipient: 'drop' });
    await probe.waitForChange((row) => row.id === id);

    expect(probe.statuses).toEqual(['SUBSCRIBED', 'CHANNEL_ERROR', 'SUBSCRIBED']);
    expect(probe.receivedIds()).toEqual([id]);
  });

  it('lets a client whose heartbeats go unanswered give up the socket, and recover once replies resume', async () => {
    // A reconnect delay longer than the client's 150 ms close poll avoids its spurious second reconnect.
    const probe = ChannelProbe.subscribe(
      client({ heartbeatIntervalMs: 150, reconnectAfterMs: () => 300 }),
      'faults:heartbeat',
      {
        filter: 'recipient=eq.heartbeat',
      },
    );
    await probe.waitUntilLive();
    const opened = server.counters.connectionsOpened;

    server.stopHeartbeatReplies();
    await probe.waitForStatus('CHANNEL_ERROR', 3_000);
    expect(server.counters.heartbeatsUnanswered).toBeGreaterThanOrEqual(1);
    server.resumeHeartbeatReplies();
    await probe.waitForStatus('SUBSCRIBED', 5_000, 2);
    await probe.waitUntilLive(5_000, 2);

    expect(server.counters.connectionsOpened).toBeGreaterThan(opened);
  });

  it('refuses a WebSocket handshake with an unknown apikey, which the client reports as CHANNEL_ERROR', async () => {
    const refusedBefore = server.counters.handshakesRefused;
    const probe = ChannelProbe.subscribe(client({}, 'not-a-project-key'), 'faults:bad-key');

    await probe.waitForStatus('CHANNEL_ERROR');

    expect(server.counters.handshakesRefused).toBeGreaterThan(refusedBefore);
    expect(probe.statuses).not.toContain('SUBSCRIBED');
    await eventually(() => server.connectionCount === 0 || undefined, 2_000, 'no accepted socket');
  });
});
