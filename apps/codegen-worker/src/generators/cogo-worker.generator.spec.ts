import { BusRpcException } from '@cogo/bus';
import { HttpTimeoutError } from '../errors/http-timeout.error';
import { appConfig } from '../../test/app-config.builder';
import { codeSpec, specFunction } from '../../test/code-spec.builder';
import { answer, mockHttpRepository } from '../../test/http-repository.mock';
import { CogoWorkerGenerator } from './cogo-worker.generator';

const spec = codeSpec({ module: 'arith', functions: [specFunction({ expression: undefined })] });
const enabled = appConfig({
  cogoWorker: { enabled: true, url: 'http://worker:pw-secret-42@cogo.test:8000', timeoutMs: 7_000 },
});
const source = {
  path: 'src/arith.ts',
  content: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
};

async function failure(promise: Promise<unknown>): Promise<BusRpcException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BusRpcException);
  return error as BusRpcException;
}

describe(CogoWorkerGenerator.name, () => {
  const setup = (config = enabled) => {
    const http = mockHttpRepository();
    return { http, generator: new CogoWorkerGenerator(config, http.repository) };
  };

  it('posts the spec and the trace id to /generate and returns the files it answers', async () => {
    const { http, generator } = setup();
    http.request.mockResolvedValue(answer(200, { files: [source, { path: 'src/lib/helpers.ts', content: '' }] }));
    const module = await generator.generate(spec, { traceId: 'b'.repeat(32) });
    expect(http.request).toHaveBeenCalledWith(
      expect.objectContaining({
        method: 'POST',
        url: 'http://worker:pw-secret-42@cogo.test:8000/generate',
        json: { spec: JSON.parse(JSON.stringify(spec)) as unknown, trace_id: 'b'.repeat(32) },
        timeoutMs: 7_000,
      }),
    );
    expect(module.files).toEqual([source, { path: 'src/lib/helpers.ts', content: '' }]);
  });

  it.each([
    ['switched off', appConfig({ cogoWorker: { enabled: false, url: 'http://cogo.test', timeoutMs: 1_000 } })],
    ['without a URL', appConfig({ cogoWorker: { enabled: true, timeoutMs: 1_000 } })],
  ])('is not configured when %s', async (_what, config) => {
    const { http, generator } = setup(config);
    const error = await failure(generator.generate(spec, { traceId: 'b'.repeat(32) }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_NOT_CONFIGURED', retryable: false });
    expect(error.message).toContain('set ENABLE_COGO_WORKER=true and COGO_WORKER_URL');
    expect(http.request).not.toHaveBeenCalled();
  });

  it.each([
    ['not JSON', 'Internal happiness', /the answer is not JSON/],
    ['no files array', { result: 'ok' }, /expected \{"files":\[\{"path","content"\}\]\}/],
    ['no files', { files: [] }, /"files" must hold 1 to 32 files, got 0/],
    [
      'a file without content',
      { files: [{ path: 'src/arith.ts' }] },
      /files\[0\] needs a string "path" and a string "content"/,
    ],
    [
      'a parent-directory path',
      { files: [source, { path: 'src/../../../etc/passwd.ts', content: 'x' }] },
      /files\[1\]\.path "src\/..\/..\/..\/etc\/passwd.ts" is not allowed/,
    ],
    [
      'an absolute path',
      { files: [{ path: '/etc/cron.d/x.ts', content: 'x' }] },
      /files\[0\]\.path "\/etc\/cron.d\/x.ts" is not allowed/,
    ],
    [
      'a path outside src/',
      { files: [source, { path: 'test/arith.test.ts', content: 'x' }] },
      /is not allowed: paths are relative, under src\//,
    ],
    ['a backslash path', { files: [{ path: 'src\\..\\x.ts', content: 'x' }] }, /is not allowed/],
    ['a hidden segment', { files: [{ path: 'src/.hidden/x.ts', content: 'x' }] }, /is not allowed/],
    ['a duplicate path', { files: [source, source] }, /"src\/arith.ts" appears twice/],
    ['no main source file', { files: [{ path: 'src/other.ts', content: '' }] }, /the answer has no "src\/arith.ts"/],
  ])('refuses an answer with %s as a non-retryable GENERATOR_BAD_ANSWER', async (_what, body, message) => {
    const { http, generator } = setup();
    http.request.mockResolvedValue(answer(200, body));
    const error = await failure(generator.generate(spec, { traceId: 'b'.repeat(32) }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_BAD_ANSWER', retryable: false });
    expect(error.message).toMatch(message);
  });

  it('refuses a file larger than 512 KiB', async () => {
    const { http, generator } = setup();
    http.request.mockResolvedValue(
      answer(200, { files: [{ path: 'src/arith.ts', content: 'x'.repeat(512 * 1024 + 1) }] }),
    );
    const error = await failure(generator.generate(spec, { traceId: 'b'.repeat(32) }));
    expect(error.message).toMatch(/files\[0\] \("src\/arith.ts"\) is larger than 524288 bytes/);
  });

  it('quotes the reason of a 422 and never the password of its URL', async () => {
    const { http, generator } = setup();
    http.request.mockResolvedValue(answer(422, { detail: 'cannot do recursion; you sent pw-secret-42' }));
    const error = await failure(generator.generate(spec, { traceId: 'b'.repeat(32) }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_REJECTED', retryable: false });
    expect(error.message).toContain('cannot do recursion');
    expect(error.message).not.toContain('pw-secret-42');
  });

  it('retries a 502', async () => {
    const { http, generator } = setup();
    http.request.mockResolvedValue(answer(502, 'bad gateway'));
    const error = await failure(generator.generate(spec, { traceId: 'b'.repeat(32) }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_UNAVAILABLE', retryable: true });
  });

  it('maps a timeout to GENERATOR_TIMEOUT naming COGO_WORKER_TIMEOUT_MS', async () => {
    const { http, generator } = setup();
    http.request.mockRejectedValue(new HttpTimeoutError('http://cogo.test:8000/generate', 7_000));
    const error = await failure(generator.generate(spec, { traceId: 'b'.repeat(32) }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_TIMEOUT', retryable: true });
    expect(error.message).toContain('COGO_WORKER_TIMEOUT_MS');
  });
});
