import { crashRecoveryConformance } from '../integration/bus/crash-recovery.conformance';

crashRecoveryConformance('live');
