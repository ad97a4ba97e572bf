import { postgresRestartConformance } from '../bus/postgres-restart.conformance';

postgresRestartConformance('supabase');
