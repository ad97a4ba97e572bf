import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { Pool } from 'pg';
import { BusContext, PermanentRpcException } from '@cogo/bus';
import { GreetDto, type WorkPayload } from './fixture.dto';

export const FIXTURE_POOL = Symbol('FIXTURE_POOL');
export const FIXTURE_INSTANCE = Symbol('FIXTURE_INSTANCE');

/**
 * Handlers of the test worker. Every effect is written to `fixture_executions`, so tests can
 * count from the table how often each message really ran, and on which instance.
 */
@Controller()
export class FixtureHandlers {
  constructor(
    @Inject(FIXTURE_POOL) private readonly pool: Pool,
    @Inject(FIXTURE_INSTANCE) private readonly instanceId: string,
  ) {}

  @MessagePattern('fixture.echo')
  echo(@Payload() payload: unknown, @Ctx() context: BusContext): unknown {
    return { echoed: payload, attempt: context.getAttempt(), traceId: context.getTraceId(), by: this.instanceId };
  }

  @MessagePattern('fixture.greet')
  greet(@Payload() person: GreetDto): string {
    return `hello ${person.name}, ${person.age}`;
  }

  @MessagePattern('fixture.work')
  async work(@Payload() payload: WorkPayload, @Ctx() context: BusContext): Promise<{ key: string; by: string }> {
    if (payload.sleepMs) await new Promise((done) => setTimeout(done, payload.sleepMs));
    await this.record(payload.key, context);
    return { key: payload.key, by: this.instanceId };
  }

  @MessagePattern('fixture.poison')
  async poison(@Payload() payload: WorkPayload, @Ctx() context: BusContext): Promise<never> {
    await this.record(payload.key, context);
    throw new Error(`poison ${payload.key} always fails (attempt ${context.getAttempt()})`);
  }

  @MessagePattern('fixture.refuse')
  refuse(): never {
    throw new PermanentRpcException('NOT_ALLOWED', 'this request can never succeed');
  }

  @EventPattern<string>('fixture.happened')
  async happened(@Payload() payload: WorkPayload, @Ctx() context: BusContext): Promise<void> {
    await this.record(payload.key, context);
  }

  private async record(key: string, context: BusContext): Promise<void> {
    await this.pool.query(
      'insert into fixture_executions (message_id, key, instance_id, attempt, trace_id) values ($1, $2, $3, $4, $5)',
      [context.getMessageId(), key, this.instanceId, context.getAttempt(), context.getTraceId()],
    );
  }
}
