import WebSocket from 'ws';
import { eventually } from './eventually';

export type RawFrame = unknown[] | Record<string, unknown>;

export interface HandshakeRefusal {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A bare WebSocket speaking whatever frames a test writes, for wire-level assertions that the
 * supabase-js client hides (refs, frame shapes, handshake refusals).
 */
export class RawPhoenixClient {
  readonly received: RawFrame[] = [];
  private closedWith: number | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.received.push(JSON.parse(data.toString('utf8')) as RawFrame));
    socket.on('close', (code) => {
      this.closedWith = code;
    });
  }

  /** Opens `url` (a ws:// URL); rejects with the HTTP refusal when the handshake is refused. */
  static connect(url: string, timeoutMs = 3_000): Promise<RawPhoenixClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: timeoutMs });
      socket.once('open', () => resolve(new RawPhoenixClient(socket)));
      socket.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const refusal: HandshakeRefusal = { status: res.statusCode ?? 0, body: JSON.parse(text) as unknown };
          reject(Object.assign(new Error(`Handshake refused with ${res.statusCode}`), { refusal }));
        });
      });
      socket.once('error', reject);
    });
  }

  get closeCode(): number | undefined {
    return this.closedWith;
  }

  send(frame: RawFrame): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Waits for a received frame that matches, counting from index `from`. */
  waitFor(predicate: (frame: RawFrame) => boolean, timeoutMs = 3_000, from = 0): Promise<RawFrame> {
    return eventually(
      () => this.received.slice(from).find(predicate),
      timeoutMs,
      `a matching frame (received: ${JSON.stringify(this.received)})`,
    );
  }

  close(): void {
    this.socket.terminate();
  }
}
