import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { of, throwError } from 'rxjs';
import type { BusClient } from '@cogo/bus';
import { Events } from '@cogo/contracts';
import { CogoWorkerGenerator } from '../generators/cogo-worker.generator';
import { LlmGenerator } from '../generators/llm.generator';
import { TemplateGenerator } from '../generators/template.generator';
import type { ArtifactRepository } from '../repositories/artifact.repository';
import type { WorkspaceFile } from '../workspace/workspace-file';
import { appConfig } from '../../test/app-config.builder';
import { codeSpec, specFunction } from '../../test/code-spec.builder';
import { answer, chatAnswer, mockHttpRepository } from '../../test/http-repository.mock';
import { CodegenService } from './codegen.service';

const TRACE = '0123456789abcdef0123456789abcdef';

describe(CodegenService.name, () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  const setup = () => {
    const http = mockHttpRepository();
    const config = appConfig({
      llm: { baseUrl: 'http://llm.test/v1', model: 'coder-1', timeoutMs: 1_000 },
      cogoWorker: { enabled: true, url: 'http://cogo.test', timeoutMs: 1_000 },
    });
    const artifacts = {
      writeWorkspace: jest.fn<Promise<void>, [string, readonly WorkspaceFile[]]>().mockResolvedValue(),
    };
    const bus = { emit: jest.fn().mockReturnValue(of({ eventIds: ['e1'] })) };
    const service = new CodegenService(
      new TemplateGenerator(),
      new LlmGenerator(config, http.repository),
      new CogoWorkerGenerator(config, http.repository),
      artifacts as unknown as ArtifactRepository,
      bus as unknown as BusClient,
    );
    return { http, artifacts, bus, service };
  };

  it('writes the workspace <trace_id>/<module> with the template generator by default', async () => {
    const { artifacts, service } = setup();
    const result = await service.generate({ spec: codeSpec() }, { traceId: TRACE });

    expect(artifacts.writeWorkspace).toHaveBeenCalledTimes(1);
    const [workspace, files] = artifacts.writeWorkspace.mock.calls[0];
    expect(workspace).toBe(`${TRACE}/toolkit`);
    expect(files.map((file) => file.path)).toEqual([
      'package.json',
      'spec.json',
      'src/toolkit.ts',
      'test/node-test.d.ts',
      'test/toolkit.test.ts',
      'tsconfig.json',
    ]);
    expect(result.workspace).toBe(`${TRACE}/toolkit`);
    expect(result.generator).toBe('template');
  });

  it('answers each file with its size and SHA-256, as written', async () => {
    const { artifacts, service } = setup();
    const result = await service.generate({ spec: codeSpec({ description: 'ünïcode' }) }, { traceId: TRACE });
    const written = artifacts.writeWorkspace.mock.calls[0][1];
    expect(result.files).toEqual(
      written.map((file) => ({
        path: file.path,
        bytes: Buffer.byteLength(file.content),
        sha256: createHash('sha256').update(file.content).digest('hex'),
      })),
    );
    expect(result.files.find((file) => file.path === 'package.json')!.bytes).toBeGreaterThan(
      written.find((file) => file.path === 'package.json')!.content.length,
    );
  });

  it('publishes codegen.completed after writing, with the workspace, generator and file count', async () => {
    const { artifacts, bus, service } = setup();
    await service.generate({ spec: codeSpec() }, { traceId: TRACE });
    expect(bus.emit).toHaveBeenCalledWith(Events.CodegenCompleted, {
      workspace: `${TRACE}/toolkit`,
      generator: 'template',
      files: 6,
    });
    expect(artifacts.writeWorkspace.mock.invocationCallOrder[0]).toBeLessThan(bus.emit.mock.invocationCallOrder[0]);
  });

  it('uses the generator the request names', async () => {
    const { http, service } = setup();
    http.request.mockResolvedValue(chatAnswer(JSON.stringify({ functions: [{ name: 'add', body: 'b + a' }] })));
    const result = await service.generate(
      { spec: codeSpec({ functions: [specFunction({ expression: undefined })] }), generator: 'llm' },
      { traceId: TRACE },
    );
    expect(result.generator).toBe('llm');
    expect(http.request.mock.calls[0][0].url).toBe('http://llm.test/v1/chat/completions');
  });

  it('adds the example tests and build files around the files of the cogo-worker', async () => {
    const { http, artifacts, service } = setup();
    http.request.mockResolvedValue(answer(200, { files: [{ path: 'src/toolkit.ts', content: 'export {};\n' }] }));
    await service.generate({ spec: codeSpec(), generator: 'cogo-worker' }, { traceId: TRACE });
    const files = artifacts.writeWorkspace.mock.calls[0][1];
    expect(files.find((file) => file.path === 'src/toolkit.ts')?.content).toBe('export {};\n');
    expect(files.map((file) => file.path)).toContain('test/toolkit.test.ts');
  });

  it('writes nothing and publishes nothing for an invalid spec', async () => {
    const { artifacts, bus, service } = setup();
    const spec = codeSpec({ functions: [specFunction({ examples: [{ args: ['1', 2], expected: 3 }] })] });
    await expect(service.generate({ spec }, { traceId: TRACE })).rejects.toMatchObject({
      code: 'INVALID_SPEC',
      message: expect.stringContaining('argument 1 (a) must be a number') as string,
    });
    expect(artifacts.writeWorkspace).not.toHaveBeenCalled();
    expect(bus.emit).not.toHaveBeenCalled();
  });

  it('writes nothing when the generator fails', async () => {
    const { http, artifacts, bus, service } = setup();
    http.request.mockResolvedValue(answer(503, 'busy'));
    await expect(
      service.generate({ spec: codeSpec(), generator: 'cogo-worker' }, { traceId: TRACE }),
    ).rejects.toMatchObject({
      code: 'GENERATOR_UNAVAILABLE',
    });
    expect(artifacts.writeWorkspace).not.toHaveBeenCalled();
    expect(bus.emit).not.toHaveBeenCalled();
  });

  it('fails (to be retried) when the event cannot be published', async () => {
    const { bus, service } = setup();
    bus.emit.mockReturnValue(throwError(() => new Error('bus closed')));
    await expect(service.generate({ spec: codeSpec() }, { traceId: TRACE })).rejects.toThrow('bus closed');
  });
});
