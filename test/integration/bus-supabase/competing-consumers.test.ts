import { competingConsumersConformance } from '../bus/competing-consumers.conformance';

competingConsumersConformance('supabase');
