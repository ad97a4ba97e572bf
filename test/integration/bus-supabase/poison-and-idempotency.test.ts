import { poisonAndIdempotencyConformance } from '../bus/poison-and-idempotency.conformance';

poisonAndIdempotencyConformance('supabase');
