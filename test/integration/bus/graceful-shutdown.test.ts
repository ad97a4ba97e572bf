import { gracefulShutdownConformance } from './graceful-shutdown.conformance';

gracefulShutdownConformance('postgres');
