import { NotFoundException } from '@nestjs/common';

/** No `agent_messages` or `bus_events` row carries the trace id: answered with 404 on HTTP. */
export class TraceNotFoundException extends NotFoundException {
  constructor(readonly traceId: string) {
    super({
      error: {
        code: 'TRACE_NOT_FOUND',
        message: `No message or event carries trace ${traceId}. Check the id (it is in the trace_id of the answer that started the work, and in the traceparent header), and that you ask the database the agents use.`,
      },
    });
    this.message = `No message or event carries trace ${traceId}.`;
  }
}
