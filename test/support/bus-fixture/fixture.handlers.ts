import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { BusContext, PermanentRpcException } from '@cogo/bus';
import { type FixtureExecution, GreetDto, type WorkPayload } from './fixture.dto';

export const FIXTURE_INSTANCE = Symbol('FIXTURE_INSTANCE');

/** Prefix of the line a handler prints for each effect; the harness parses them. */
export const EXECUTED = 'EXECUTED ';

/**
 * Handlers of the test worker. Every effect is printed as an `EXECUTED {...}` line on stdout (a
 * pipe: the write is synchronous on Linux, so it is out before the handler returns), so tests
 * count how often each message really ran, and on which instance, with any driver and without
 * access to the database.
 */
@Controller()
export class FixtureHandlers {
  constructor(@Inject(FIXTURE_INSTANCE) private readonly instanceId: string) {}

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

  /** A result Postgres cannot store as JSON (a NUL character): the server must refuse it alone. */
  @MessagePattern('fixture.unstorable')
  unstorable(): { text: string } {
    return { text: `before${String.fromCharCode(0)}after` };
  }

  @MessagePattern('fixture.refuse')
  refuse(): never {
    throw new PermanentRpcException('NOT_ALLOWED', 'this request can never succeed');
  }

  @EventPattern<string>('fixture.happened')
  async happened(@Payload() payload: WorkPayload, @Ctx() context: BusContext): Promise<void> {
    await this.record(payload.key, context);
  }

  private record(key: string, context: BusContext): Promise<void> {
    const execution: FixtureExecution = {
      messageId: context.getMessageId(),
      key,
      instanceId: this.instanceId,
      attempt: context.getAttempt(),
      traceId: context.getTraceId(),
    };
    return new Promise((done, fail) =>
      process.stdout.write(`${EXECUTED}${JSON.stringify(execution)}\n`, (error) => (error ? fail(error) : done())),
    );
  }
}
