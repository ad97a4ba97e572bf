import { postgresRestartConformance } from './postgres-restart.conformance';

postgresRestartConformance('postgres');
