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
import { CAPABILITY_POLICIES, PRESENCE_STALE_MS } from './capability-policy';
import { CapabilityRegistryRepository } from './capability-registry.repository';

export interface DispatchContext {
  /** Stable per incoming request (its idempotency key or message id): a redelivery reuses the same attempts. */
  readonly idempotencyBase: string;
  readonly now?: () => number;
}

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

  async dispatch(request: DispatchRequestDto, context: DispatchContext): Promise<DispatchResult> {
    const now = context.now ?? Date.now;
    const started = now();
    const agents = await this.registry.capableAgents(request.capability, PRESENCE_STALE_MS);
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
