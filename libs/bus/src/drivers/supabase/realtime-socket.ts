import type { SupabaseClient } from '@supabase/supabase-js';

/** The parts of realtime-js 2.109 and its Phoenix socket that a clean shutdown has to reach. */
interface PhoenixSocket {
  connect(): void;
  disconnect(callback: () => void, code?: number, reason?: string): void;
}

interface RealtimeClientInternals {
  readonly socketAdapter?: { getSocket?: () => PhoenixSocket };
  _pendingDisconnectTimer?: ReturnType<typeof setTimeout> | null;
}

/**
 * Closes a client's Realtime socket for good, leaving no timer behind. The public
 * `realtime.disconnect()` is not enough in realtime-js 2.109: it races the socket's close against
 * a 10 s timer it never clears; removing the last channel schedules a "disconnect when empty"
 * timer; and a reconnect already in flight opens a new socket after `disconnect()`. So this clears
 * the pending timer, makes further connects no-ops and disconnects the Phoenix socket itself,
 * waiting at most `timeoutMs`.
 */
export async function closeRealtimeSocket(client: SupabaseClient, timeoutMs: number): Promise<void> {
  const realtime = client.realtime as unknown as RealtimeClientInternals;
  const socket = realtime.socketAdapter?.getSocket?.();
  for (const channel of client.getChannels()) channel.teardown();
  if (realtime._pendingDisconnectTimer) clearTimeout(realtime._pendingDisconnectTimer);
  realtime._pendingDisconnectTimer = null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  try {
    if (socket) {
      socket.connect = () => undefined;
      await Promise.race([new Promise<void>((resolve) => socket.disconnect(resolve)), timeout]);
    } else {
      // Another realtime-js layout: fall back to the public API (which may leave its own timer).
      await Promise.race([client.realtime.disconnect().then(() => undefined), timeout]);
    }
  } finally {
    clearTimeout(timer);
  }
}
