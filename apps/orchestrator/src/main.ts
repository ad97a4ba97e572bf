import { startAgent } from '@cogo/bus';
import { OrchestratorModule } from './orchestrator.module';

void startAgent('orchestrator', (config) => OrchestratorModule.register(config));
