import { startAgent } from '@cogo/bus';
import { ExecutorDispatcherModule } from './executor-dispatcher.module';

void startAgent('executor-dispatcher', (config) => ExecutorDispatcherModule.register(config));
