import { requestReplyConformance } from './request-reply.conformance';

requestReplyConformance('postgres');
