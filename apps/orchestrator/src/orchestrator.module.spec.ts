import { ModulesContainer } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@cogo/config';
import { DevModule } from '@cogo/dev';
import { OrchestratorModule } from './orchestrator.module';

/** The module graph of the orchestrator, compiled (not started: nothing connects anywhere). */
async function graphFor(mode: 'development' | 'production') {
  const config = loadConfig('orchestrator', {
    APP_MODE: mode,
    DATABASE_URL: 'postgres://user:secret@127.0.0.1:1/none',
  });
  const moduleRef = await Test.createTestingModule({ imports: [OrchestratorModule.register(config)] }).compile();
  const modules = [...moduleRef.get(ModulesContainer).values()];
  const controllers = modules.flatMap((module) => [...module.controllers.values()]);
  const paths = controllers.map((wrapper) => String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype as object)));
  await moduleRef.close();
  return { moduleNames: modules.map((module) => module.metatype.name), paths };
}

describe(OrchestratorModule.name, () => {
  it('loads no developer module and no /api controller in production', async () => {
    const { moduleNames, paths } = await graphFor('production');
    expect(moduleNames).not.toContain(DevModule.name);
    expect(paths.filter((path) => path.startsWith('api'))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['health']));
  });

  it('loads the developer API in development', async () => {
    const { moduleNames, paths } = await graphFor('development');
    expect(moduleNames).toContain(DevModule.name);
    expect(paths).toEqual(
      expect.arrayContaining(['api/orchestrator', 'api/workflows', 'api/pipeline', 'api/integration']),
    );
  });
});
