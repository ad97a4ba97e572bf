import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceContext } from './trace-context';

const storage = new AsyncLocalStorage<TraceContext>();

/** The trace of the code that is running now (an HTTP request, a bus handler), if any. */
export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/** Runs `work` with `context` as the current trace; nested sends and logs inherit it. */
export function runWithTrace<T>(context: TraceContext, work: () => T): T {
  return storage.run(context, work);
}
