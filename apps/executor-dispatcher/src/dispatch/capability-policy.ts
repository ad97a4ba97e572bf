import { type Capability, Capabilities } from '@cogo/contracts';

/** How long one attempt of a capability may take, and how often a timed-out attempt is retried. */
export interface CapabilityPolicy {
  readonly timeoutMs: number;
  readonly retries: number;
}

export const CAPABILITY_POLICIES: Readonly<Record<Capability, CapabilityPolicy>> = {
  [Capabilities.CodegenGenerate]: { timeoutMs: 60_000, retries: 1 },
  [Capabilities.BuildCompile]: { timeoutMs: 120_000, retries: 1 },
  [Capabilities.TestRun]: { timeoutMs: 120_000, retries: 1 },
  [Capabilities.IndexRepository]: { timeoutMs: 300_000, retries: 1 },
};

/** An agent counts as live while its presence heartbeat is younger than this. */
export const PRESENCE_STALE_MS = 15_000;

/**
 * An agent whose heartbeat is older than PRESENCE_STALE_MS but younger than this is taken to be
 * restarting (a crash, a database restart that cost it two heartbeats) rather than gone: the
 * dispatcher waits up to PRESENCE_GRACE_MS for it to come back before answering NO_CAPABLE_AGENT.
 * An agent that stopped cleanly removed its presence and is not waited for.
 */
export const PRESENCE_RECENT_MS = 120_000;
export const PRESENCE_GRACE_MS = 20_000;
export const PRESENCE_RECHECK_MS = 500;
