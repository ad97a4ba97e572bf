import { gracefulShutdownConformance } from '../integration/bus/graceful-shutdown.conformance';

gracefulShutdownConformance('live');
