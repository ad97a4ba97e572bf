import { severedWakeupsConformance } from './severed-wakeups.conformance';

severedWakeupsConformance('postgres');
