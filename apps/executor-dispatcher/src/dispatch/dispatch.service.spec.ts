import { of, throwError } from 'rxjs';
import { type BusClient, BusRecord, RemoteErrorException, RequestTimeoutException } from '@cogo/bus';
import { Capabilities, type DispatchRequestDto } from '@cogo/contracts';
import type { CapabilityRegistryRepository } from './capability-registry.repository';
import { DispatchService } from './dispatch.service';

const request = (overrides: Partial<DispatchRequestDto> = {}): DispatchRequestDto => ({
  capability: Capabilities.BuildCompile,
  input: { workspace: 'trace/module' },
  ...overrides,
});

function setup(agents: { agent: string; instances: number }[]) {
  const registry = {
    capableAgents: jest.fn().mockResolvedValue(agents.map((agent) => ({ ...agent, lastHeartbeatAt: new Date() }))),
  };
  const send = jest.fn();
  const service = new DispatchService(
    registry as unknown as CapabilityRegistryRepository,
    { send } as unknown as BusClient,
  );
  return { service, send, registry };
}

const context = { idempotencyBase: 'dispatch:m1', now: () => 1_000 };

describe(DispatchService.name, () => {
  it('refuses with NO_CAPABLE_AGENT when no live agent declared the capability', async () => {
    const { service, send } = setup([]);
    await expect(service.dispatch(request(), context)).rejects.toMatchObject({
      payload: { code: 'NO_CAPABLE_AGENT', retryable: false },
    });
    expect(send).not.toHaveBeenCalled();
  });

  it('waits for an agent seen recently (restarting) instead of refusing, and sends to it once it is back', async () => {
    const { service, send, registry } = setup([]);
    const restarting = [{ agent: 'build-test-worker', instances: 1, lastHeartbeatAt: new Date() }];
    // Live window: nobody for two checks, then the agent is back. Recent window: it was seen.
    registry.capableAgents.mockImplementation((_: string, staleMs: number) =>
      Promise.resolve(staleMs > 15_000 || registry.capableAgents.mock.calls.length > 4 ? restarting : []),
    );
    send.mockReturnValue(of({ ok: true }));
    const pauses: number[] = [];
    const sleep = (ms: number): Promise<void> => {
      pauses.push(ms);
      return Promise.resolve();
    };
    const result = await service.dispatch(request(), { ...context, sleep });
    expect(result).toMatchObject({ agent: 'build-test-worker', output: { ok: true } });
    expect(pauses).toEqual([500, 500]);
  });

  it('refuses with NO_CAPABLE_AGENT once the grace period for a recently seen agent is over', async () => {
    const { service, send, registry } = setup([]);
    const seen = [{ agent: 'build-test-worker', instances: 1, lastHeartbeatAt: new Date() }];
    registry.capableAgents.mockImplementation((_: string, staleMs: number) =>
      Promise.resolve(staleMs > 15_000 ? seen : []),
    );
    let waitedMs = 0;
    const sleep = (ms: number): Promise<void> => {
      waitedMs += ms;
      return Promise.resolve();
    };
    await expect(service.dispatch(request(), { ...context, sleep })).rejects.toMatchObject({
      payload: { code: 'NO_CAPABLE_AGENT' },
    });
    expect(waitedMs).toBe(20_000);
    expect(send).not.toHaveBeenCalled();
  });

  it('sends to the group with the most live instances, keyed for redelivery', async () => {
    const { service, send } = setup([
      { agent: 'build-test-worker', instances: 3 },
      { agent: 'other-builder', instances: 1 },
    ]);
    send.mockReturnValue(of({ ok: true }));
    const result = await service.dispatch(request(), context);
    expect(result).toEqual({
      capability: 'build.compile',
      agent: 'build-test-worker',
      attempts: 1,
      durationMs: 0,
      output: { ok: true },
    });
    const [pattern, record] = send.mock.calls[0] as [string, BusRecord];
    expect(pattern).toBe('build.compile');
    expect(record).toBeInstanceOf(BusRecord);
    expect(record.options).toMatchObject({
      recipient: 'build-test-worker',
      idempotencyKey: 'dispatch:m1:1',
      timeoutMs: 120_000,
    });
    expect(record.data).toEqual({ workspace: 'trace/module' });
  });

  it('retries a timed-out attempt with a new key, then gives up with STEP_TIMED_OUT', async () => {
    const { service, send } = setup([{ agent: 'build-test-worker', instances: 1 }]);
    send.mockImplementation(() => throwError(() => new RequestTimeoutException('build.compile', 'id', 500)));
    await expect(service.dispatch(request({ timeoutMs: 500 }), context)).rejects.toMatchObject({
      payload: { code: 'STEP_TIMED_OUT', retryable: false, details: { attempts: 2, timeoutMs: 500 } },
    });
    expect(send.mock.calls.map(([, record]) => (record as BusRecord).options.idempotencyKey)).toEqual([
      'dispatch:m1:1',
      'dispatch:m1:2',
    ]);
  });

  it('retries an attempt that expired unrun on the bus (its worker crashed), with a new key', async () => {
    const { service, send } = setup([{ agent: 'codegen-worker', instances: 1 }]);
    send
      .mockReturnValueOnce(
        throwError(
          () =>
            new RemoteErrorException(
              { code: 'DEADLINE_EXCEEDED', message: 'The deadline passed before a worker could run this message' },
              'id',
              'expired',
            ),
        ),
      )
      .mockReturnValueOnce(of({ files: ['a.ts'] }));
    const result = await service.dispatch(request({ capability: Capabilities.CodegenGenerate }), context);
    expect(result).toMatchObject({ attempts: 2, output: { files: ['a.ts'] } });
    expect(send.mock.calls.map(([, record]) => (record as BusRecord).options.idempotencyKey)).toEqual([
      'dispatch:m1:1',
      'dispatch:m1:2',
    ]);
  });

  it('answers a worker failure with STEP_FAILED carrying the remote code and message', async () => {
    const { service, send } = setup([{ agent: 'codegen-worker', instances: 1 }]);
    send.mockReturnValue(
      throwError(
        () =>
          new RemoteErrorException(
            { code: 'INVALID_SPEC', message: 'bad expression', retryable: false },
            'id',
            'failed',
          ),
      ),
    );
    await expect(
      service.dispatch(request({ capability: Capabilities.CodegenGenerate }), context),
    ).rejects.toMatchObject({
      payload: {
        code: 'STEP_FAILED',
        message: '"codegen.generate" failed on codegen-worker: INVALID_SPEC: bad expression',
        details: { remote: { code: 'INVALID_SPEC' } },
      },
    });
    expect(send).toHaveBeenCalledTimes(1);
  });
});
