import { requestReplyConformance } from '../bus/request-reply.conformance';

requestReplyConformance('supabase');
