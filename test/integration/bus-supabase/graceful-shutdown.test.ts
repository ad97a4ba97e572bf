import { gracefulShutdownConformance } from '../bus/graceful-shutdown.conformance';

gracefulShutdownConformance('supabase');
