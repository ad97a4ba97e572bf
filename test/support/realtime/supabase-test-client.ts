import {
  createClient,
  type RealtimeClientOptions,
  type SupabaseClient,
  type WebSocketLikeConstructor,
} from '@supabase/supabase-js';
import WebSocket from 'ws';
import { withTimeout } from './with-timeout';

/**
 * The real supabase-js client, set up for Node 20 (the `ws` transport) and for fast tests: no
 * session persistence or token refresh timers, short push timeout, quick reconnects. Anything in
 * `realtime` overrides those defaults.
 */
// ws's first constructor overload takes `address: null`, which the structural type rejects; the
// class is the transport realtime-js documents for Node.
const wsTransport = WebSocket as unknown as WebSocketLikeConstructor;

export function createSupabaseTestClient(
  url: string,
  key: string,
  realtime: Omit<RealtimeClientOptions, 'transport'> = {},
): SupabaseClient {
  // Without a Database type argument createClient infers `any` schemas; the default generics say the same.
  return createClient(url, key, {
    realtime: { transport: wsTransport, timeout: 3_000, reconnectAfterMs: () => 50, ...realtime },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  }) as SupabaseClient;
}

interface PhoenixSocketInternals {
  connect(): void;
  disconnect(callback: () => void): void;
}

interface RealtimeClientInternals {
  readonly socketAdapter?: { getSocket?: () => PhoenixSocketInternals };
  _pendingDisconnectTimer?: ReturnType<typeof setTimeout> | null;
}

/**
 * Tears every channel down and closes the socket for good. The public `removeAllChannels()` is not
 * enough in tests, for three reasons found in realtime-js 2.109.0: its `SocketAdapter.disconnect`
 * starts a 10 s timer it never clears; a channel closed by the server leaves a "disconnect when
 * empty" timer of 2 x heartbeat; and a reconnect already in flight (its teardown callback) opens a
 * new socket after `disconnect()`. So this reaches the Phoenix socket underneath.
 */
export async function closeSupabaseTestClient(client: SupabaseClient): Promise<void> {
  const realtime = client.realtime as unknown as RealtimeClientInternals;
  const socket = realtime.socketAdapter?.getSocket?.();
  if (!socket) {
    await withTimeout(client.removeAllChannels(), 5_000, 'Closing the supabase-js client').catch(() => undefined);
    return;
  }
  if (realtime._pendingDisconnectTimer) clearTimeout(realtime._pendingDisconnectTimer);
  realtime._pendingDisconnectTimer = null;
  for (const channel of client.getChannels()) channel.teardown();
  socket.connect = () => undefined;
  await withTimeout(
    new Promise<void>((resolve) => socket.disconnect(resolve)),
    5_000,
    'Closing the supabase-js socket',
  ).catch(() => undefined);
}
