import { competingConsumersConformance } from '../integration/bus/competing-consumers.conformance';

competingConsumersConformance('live');
