import { severedWakeupsConformance } from '../bus/severed-wakeups.conformance';

severedWakeupsConformance('supabase');
