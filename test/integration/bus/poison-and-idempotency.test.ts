import { poisonAndIdempotencyConformance } from './poison-and-idempotency.conformance';

poisonAndIdempotencyConformance('postgres');
