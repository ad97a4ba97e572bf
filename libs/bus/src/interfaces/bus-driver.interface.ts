import type {
  BusMessage,
  Completion,
  FailResult,
  Failure,
  InstancePresence,
  Lease,
  MessageOutcome,
  OutgoingEvent,
  OutgoingMessage,
  PublishResult,
  SendResult,
} from './bus-message.interface';

/** Connection state of a driver's wake-up channel (LISTEN connection or Realtime channel). */
export type WakeupState = 'connecting' | 'live' | 'down';

export interface WakeupHandlers {
  /** A recipient has something new. Only a hint: the table is the truth. */
  readonly onWake: (recipient: string) => void;
  /**
   * The channel changed state. `live` fires after every (re)connect once notifications are
   * really flowing: the consumer must then claim everything available, since anything sent while
   * it was down produced no wake-up.
   */
  readonly onState: (state: WakeupState, reason?: string) => void;
}

/**
 * The thin layer between the transport and the SQL functions of `supabase/migrations`. One
 * implementation per backend (`pg` with LISTEN/NOTIFY, supabase-js with Realtime); the delivery
 * semantics live in SQL, so drivers only translate.
 */
export interface BusDriver {
  readonly name: string;
  send(messages: readonly OutgoingMessage[]): Promise<SendResult[]>;
  publish(events: readonly OutgoingEvent[]): Promise<PublishResult[]>;
  claim(recipient: string, instanceId: string, max: number, leaseMs: number): Promise<BusMessage[]>;
  complete(instanceId: string, completions: readonly Completion[]): Promise<string[]>;
  fail(instanceId: string, failure: Failure): Promise<FailResult | undefined>;
  extend(instanceId: string, leases: readonly Lease[], leaseMs: number): Promise<string[]>;
  release(instanceId: string, ids?: readonly string[]): Promise<number>;
  takeReplies(instanceId: string, max: number): Promise<BusMessage[]>;
  outcome(ids: readonly string[]): Promise<MessageOutcome[]>;
  subscribe(group: string, patterns: readonly string[]): Promise<void>;
  heartbeat(presence: InstancePresence): Promise<void>;
  deregister(instanceId: string): Promise<void>;
  /** Cheap round trip to the database, for readiness. */
  ping(): Promise<void>;
  /**
   * Delivers wake-ups for one recipient (a consumer group, or an instance for its replies) until
   * the returned function is called or the driver closes. Reconnects by itself.
   */
  listen(recipient: string, handlers: WakeupHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
