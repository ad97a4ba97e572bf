import { crashRecoveryConformance } from '../bus/crash-recovery.conformance';

crashRecoveryConformance('supabase');
