import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

export interface BusMessageFields {
  readonly recipient: string;
  readonly sender?: string;
  readonly pattern?: string;
  readonly payload?: unknown;
}

/** Enqueues one request through `public.bus_send`, as a driver would, and returns its id. */
export async function sendBusMessage(pool: Pool, fields: BusMessageFields): Promise<string> {
  const id = randomUUID();
  await pool.query('select * from public.bus_send($1::jsonb)', [
    JSON.stringify([
      {
        id,
        kind: 'request',
        pattern: fields.pattern ?? 'realtime.test',
        sender: fields.sender ?? 'realtime-test',
        recipient: fields.recipient,
        payload: fields.payload ?? { n: 1 },
      },
    ]),
  ]);
  return id;
}
