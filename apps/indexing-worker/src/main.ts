import { startAgent } from '@cogo/bus';
import { IndexingWorkerModule } from './indexing-worker.module';

void startAgent('indexing-worker', (config) => IndexingWorkerModule.register(config));
