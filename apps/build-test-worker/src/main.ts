import { startAgent } from '@cogo/bus';
import { BuildTestWorkerModule } from './build-test-worker.module';

void startAgent('build-test-worker', (config) => BuildTestWorkerModule.register(config));
