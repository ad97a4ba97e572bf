import { competingConsumersConformance } from './competing-consumers.conformance';

competingConsumersConformance('postgres');
