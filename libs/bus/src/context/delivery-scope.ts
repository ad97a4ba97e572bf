import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';

interface Delivery {
  readonly messageId: string;
  /** How many ids of each label this run of the handler has asked for so far. */
  readonly issued: Map<string, number>;
}

const storage = new AsyncLocalStorage<Delivery>();

/** Runs a handler for one delivered message: ids it asks for are derived from that message. */
export function runInDelivery<T>(messageId: string, work: () => T): T {
  return storage.run({ messageId, issued: new Map() }, work);
}

/**
 * An id for something a handler creates (an event, a row). Inside a bus handler it is derived
 * from the message being handled, the label and how many ids of that label the handler asked for
 * before: a handler run again for the same message (after a crash, or a retry) gets the same ids
 * in the same order, so its effects can be recognised as repeats (`bus_publish` fans an event id
 * out only once; a row keyed by it is inserted once). Outside a handler it is random.
 */
export function deliveryScopedId(label: string): string {
  const delivery = storage.getStore();
  if (!delivery) return randomUUID();
  const ordinal = (delivery.issued.get(label) ?? 0) + 1;
  delivery.issued.set(label, ordinal);
  const hex = createHash('sha256').update(`${delivery.messageId}\u0000${label}\u0000${ordinal}`).digest('hex');
  // Formatted as an RFC 9562 version 8 (custom) UUID.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
