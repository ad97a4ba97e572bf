import { requestReplyConformance } from '../integration/bus/request-reply.conformance';

requestReplyConformance('live');
