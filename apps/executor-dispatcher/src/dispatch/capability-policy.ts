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
