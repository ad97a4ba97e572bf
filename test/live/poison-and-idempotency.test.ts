import { poisonAndIdempotencyConformance } from '../integration/bus/poison-and-idempotency.conformance';

poisonAndIdempotencyConformance('live');
