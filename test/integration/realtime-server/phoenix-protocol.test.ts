import { RawPhoenixClient, RealtimeTestServer, type HandshakeRefusal, type RawFrame } from '../../support/realtime';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const SERVICE_KEY = 'wire-service-role-key';

describe('RealtimeTestServer Phoenix wire protocol', () => {
  let db: TestDatabase;
  let server: RealtimeTestServer;
  let sockets: RawPhoenixClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    server = await RealtimeTestServer.start({ databaseUrl: db.url, serviceRoleKey: SERVICE_KEY, subscribeDelayMs: 20 });
  });

  afterEach(() => {
    for (const socket of sockets) socket.close();
    sockets = [];
  });

  afterAll(async () => {
    await server.stop();
    await db.drop();
  });

  function socketUrl(query: string): string {
    return `${server.url.replace('http', 'ws')}/realtime/v1/websocket?${query}`;
  }

  async function connect(query: string): Promise<RawPhoenixClient> {
    const socket = await RawPhoenixClient.connect(socketUrl(query));
    sockets.push(socket);
    return socket;
  }

  async function refusal(query: string): Promise<HandshakeRefusal> {
    const error = (await RawPhoenixClient.connect(socketUrl(query)).then(
      (socket) => {
        socket.close();
        throw new Error('the handshake was accepted');
      },
      (refused: unknown) => refused,
    )) as { refusal?: HandshakeRefusal };
    if (!error.refusal) throw new Error('The handshake failed without an HTTP refusal');
    return error.refusal;
  }

  const isArrayFrame = (frame: RawFrame): frame is unknown[] => Array.isArray(frame);
  const eventIs =
    (event: string, ref?: string) =>
    (frame: RawFrame): boolean =>
      isArrayFrame(frame) && frame[3] === event && (ref === undefined || frame[1] === ref);

  it('answers a heartbeat on the phoenix topic with the ref it was sent', async () => {
    const socket = await connect(`apikey=${SERVICE_KEY}&vsn=2.0.0`);
    socket.send([null, '42', 'phoenix', 'heartbeat', {}]);

    await expect(socket.waitFor(eventIs('phx_reply', '42'))).resolves.toEqual([
      null,
      '42',
      'phoenix',
      'phx_reply',
      { status: 'ok', response: {} },
    ]);
  });

  it('joins with the refs sent, sends the system message, and answers a leave with ok then phx_close', async () => {
    const socket = await connect(`apikey=${SERVICE_KEY}&vsn=2.0.0`);
    const binding = { event: 'INSERT', schema: 'public', table: 'agent_messages', filter: 'recipient=eq.wire' };
    socket.send([
      '7',
      '7',
      'realtime:wire',
      'phx_join',
      {
        config: { postgres_changes: [binding, { ...binding, filter: 'recipient=eq.other' }] },
        access_token: SERVICE_KEY,
      },
    ]);

    const reply = (await socket.waitFor(eventIs('phx_reply', '7'))) as unknown[];
    const response = (reply[4] as { response: { postgres_changes: Array<{ id: number }> } }).response;
    expect(reply.slice(0, 4)).toEqual(['7', '7', 'realtime:wire', 'phx_reply']);
    expect(response.postgres_changes).toEqual([
      { ...binding, id: expect.any(Number) as number },
      { ...binding, filter: 'recipient=eq.other', id: expect.any(Number) as number },
    ]);
    expect(new Set(response.postgres_changes.map((echoed) => echoed.id)).size).toBe(2);
    await expect(socket.waitFor(eventIs('system'))).resolves.toEqual([
      '7',
      null,
      'realtime:wire',
      'system',
      { channel: 'wire', extension: 'postgres_changes', message: 'Subscribed to PostgreSQL', status: 'ok' },
    ]);

    socket.send(['7', '12', 'realtime:wire', 'phx_leave', {}]);
    await expect(socket.waitFor(eventIs('phx_reply', '12'))).resolves.toEqual([
      '7',
      '12',
      'realtime:wire',
      'phx_reply',
      { status: 'ok', response: {} },
    ]);
    await expect(socket.waitFor(eventIs('phx_close'))).resolves.toEqual(['7', '7', 'realtime:wire', 'phx_close', {}]);
  });

  it('assumes vsn 1.0.0 without a vsn parameter and answers with objects that carry no join_ref', async () => {
    const socket = await connect(`apikey=${SERVICE_KEY}`);
    socket.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '3' });

    await expect(socket.waitFor((frame) => !isArrayFrame(frame) && frame.ref === '3')).resolves.toEqual({
      topic: 'phoenix',
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
      ref: '3',
    });
  });

  it('refuses a join on a topic outside realtime: and a join with an unknown access token', async () => {
    const socket = await connect(`apikey=${SERVICE_KEY}&vsn=2.0.0`);
    socket.send(['1', '1', 'elsewhere', 'phx_join', {}]);
    socket.send(['2', '2', 'realtime:tokens', 'phx_join', { config: {}, access_token: 'forged' }]);

    await expect(socket.waitFor(eventIs('phx_reply', '1'))).resolves.toEqual([
      '1',
      '1',
      'elsewhere',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ]);
    const refused = (await socket.waitFor(eventIs('phx_reply', '2'))) as unknown[];
    expect(refused[4]).toEqual({
      status: 'error',
      response: { reason: 'MalformedJWT: The token provided is not a valid JWT' },
    });
  });

  it('refuses the handshake with a plain HTTP 401 and a JSON error for a missing or unknown apikey', async () => {
    const missing = await refusal('vsn=2.0.0');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: expect.any(String) as string });

    const unknown = await refusal('apikey=nope&vsn=2.0.0');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: expect.stringMatching(/Invalid API key/) as string });
  });

  it('logs frames in both directions for assertions', async () => {
    const from = server.frames.length;
    const socket = await connect(`apikey=${SERVICE_KEY}&vsn=2.0.0`);
    socket.send([null, '99', 'phoenix', 'heartbeat', {}]);
    await socket.waitFor(eventIs('phx_reply', '99'));

    const logged = server.frames.slice(from).filter((frame) => frame.message?.ref === '99');
    expect(logged.map((frame) => [frame.direction, frame.message?.event])).toEqual([
      ['in', 'heartbeat'],
      ['out', 'phx_reply'],
    ]);
  });
});
