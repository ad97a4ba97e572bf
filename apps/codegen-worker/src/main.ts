import { startAgent } from '@cogo/bus';
import { CodegenWorkerModule } from './codegen-worker.module';

void startAgent('codegen-worker', (config) => CodegenWorkerModule.register(config));
