import { crashRecoveryConformance } from './crash-recovery.conformance';

crashRecoveryConformance('postgres');
