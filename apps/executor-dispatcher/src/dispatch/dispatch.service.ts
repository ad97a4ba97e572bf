import { Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import {
  BusClient,
  BusRecordBuilder,
  PermanentRpcException,
  RemoteErrorException,
  RequestTimeoutException,
} from '@cogo/bus';
import { DispatchErrorCode, type DispatchRequestDto, type DispatchResult } from '@cogo/contracts';
import {
  CAPABILITY_POLICIES,
  PRESENCE_GRACE_MS,
  PRESENCE_RECENT_MS,
  PRESENCE_RECHECK_MS,
  PRESENCE_STALE_MS,
} from './capability-policy';
import { type CapableAgent, CapabilityRegistryRepository } from './capability-registry.repository';

export interface DispatchContext {
  /** Stable per incoming request (its idempotency key or message id): a redelivery reuses the same attempts. */
  readonly idempotencyBase: string;
  readonly now?: () => number;
  /** Waits between presence checks; a test passes one that does not really wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * Routes `execute {capability, input}` to a live agent that declared the capability, with the
 * capability's timeout and retry policy, and answers with the output or a typed error: no capable
 * agent, timed out, or failed (with the worker's own code and message).
 */
@Injectable()
export class DispatchService {
  private readonly logger = new Logger(DispatchService.name);

  constructor(
    private readonly registry: CapabilityRegistryRepository,
    private readonly bus: BusClient,
  ) {}

  /**
   * The live agents with the capability. When none is live but one was seen recently (restarting
   * after a crash, or its heartbeats lost to a database restart), wait for it for a grace period:
   * the work is better late than refused.
   */
  private async liveAgents(capability: string, pause: (ms: number) => Promise<void>): Promise<CapableAgent[]> {
    let waitedMs = 0;
    for (;;) {
      const live = await this.registry.capableAgents(capability, PRESENCE_STALE_MS);
      if (live.length > 0 || waitedMs >= PRESENCE_GRACE_MS) return live;
      const recent = await this.registry.capableAgents(capability, PRESENCE_RECENT_MS);
      if (recent.length === 0) return live;
      if (waitedMs === 0) {
        this.logger.warn(
          `no live agent has "${capability}" but ${recent.map((agent) => agent.agent).join(', ')} was seen recently; waiting up to ${PRESENCE_GRACE_MS / 1000} s for it`,
        );
      }
      await pause(PRESENCE_RECHECK_MS);
      waitedMs += PRESENCE_RECHECK_MS;
    }
  }

  async dispatch(request: DispatchRequestDto, context: DispatchContext): Promise<DispatchResult> {
    const now = context.now ?? Date.now;
    const started = now();
    const agents = await this.liveAgents(request.capability, context.sleep ?? sleep);
    if (agents.length === 0) {
      throw new PermanentRpcException(
        DispatchErrorCode.NoCapableAgent,
        `No live agent has declared "${request.capability}" (no presence heartbeat in the last ${PRESENCE_STALE_MS / 1000} s). Start an agent with that capability.`,
        { capability: request.capability },
      );
    }
    // Several groups may declare a capability; the one with the most live instances gets the work.
    const agent = [...agents].sort((a, b) => b.instances - a.instances || a.agent.localeCompare(b.agent))[0].agent;
    const policy = CAPABILITY_POLICIES[request.capability];
    const timeoutMs = request.timeoutMs ?? policy.timeoutMs;

    for (let attempt = 1; ; attempt++) {
      const record = new BusRecordBuilder(request.input)
        .setRecipient(agent)
        .setTimeout(timeoutMs)
        .setIdempotencyKey(`${context.idempotencyBase}:${attempt}`)
        .build();
      try {
        const output = await lastValueFrom(this.bus.send<unknown>(request.capability, record));
        return { capability: request.capability, agent, attempts: attempt, durationMs: now() - started, output };
      } catch (error) {
        // Expired on the bus: its deadline passed before a worker could run it (the worker that
        // held it crashed, or the database was away), so it never ran. Like a timeout, try again.
        const notRun = error instanceof RemoteErrorException && error.outcome === 'expired';
        if (error instanceof RequestTimeoutException || notRun) {
          if (attempt <= policy.retries) {
            this.logger.warn(
              `${request.capability} on ${agent} ${notRun ? 'expired unrun' : 'timed out'} after ${timeoutMs} ms; retrying (attempt ${attempt + 1})`,
            );
            continue;
          }
          throw new PermanentRpcException(
            DispatchErrorCode.TimedOut,
            `"${request.capability}" on ${agent} did not answer within ${timeoutMs} ms, ${attempt} time(s).`,
            { capability: request.capability, agent, attempts: attempt, timeoutMs },
          );
        }
        if (error instanceof RemoteErrorException) {
          throw new PermanentRpcException(
            DispatchErrorCode.Failed,
            `"${request.capability}" failed on ${agent}: ${error.payload.code}: ${error.payload.message}`,
            { capability: request.capability, agent, remote: error.payload },
          );
        }
        throw error;
      }
    }
  }
}
