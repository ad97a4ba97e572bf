import { Injectable, Logger, type MessageEvent, type OnModuleDestroy } from '@nestjs/common';
import { type Observable, ReplaySubject, catchError, exhaustMap, from, map, of, share, takeUntil, timer } from 'rxjs';
import { BusSnapshotRepository } from '@cogo/telemetry';
import { toBusSnapshotWire } from './bus-snapshot.wire';

/** How often the tables are read while anyone watches. */
export const LIVE_POLL_MS = 1_000;

/**
 * The bus as a stream of snapshots for server-sent events. One poll serves every open page: it
 * starts with the first watcher and stops with the last. A failed read is reported in the stream
 * and the poll goes on. On shutdown the stream completes, which ends every open response, so an
 * open browser tab does not hold the agent's HTTP server open.
 */
@Injectable()
export class BusLiveService implements OnModuleDestroy {
  private readonly logger = new Logger(BusLiveService.name);
  private readonly closing = new ReplaySubject<void>(1);
  private readonly stream: Observable<MessageEvent>;

  constructor(private readonly snapshots: BusSnapshotRepository) {
    this.stream = timer(0, LIVE_POLL_MS).pipe(
      takeUntil(this.closing),
      exhaustMap(() =>
        from(this.snapshots.snapshot()).pipe(
          map((snapshot): MessageEvent => ({ data: toBusSnapshotWire(snapshot) })),
          catchError((error: unknown) => {
            this.logger.warn(`live view: the bus tables could not be read: ${String(error)}`);
            return of<MessageEvent>({ data: { problem: 'the bus tables could not be read; retrying' } });
          }),
        ),
      ),
      share(),
    );
  }

  watch(): Observable<MessageEvent> {
    return this.stream;
  }

  onModuleDestroy(): void {
    this.closing.next();
    this.closing.complete();
  }
}
