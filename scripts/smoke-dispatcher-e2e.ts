/**
 * `npm run -s smoke:dispatcher:e2e`: orchestrator -> dispatcher -> worker over the bus, checked
 * from the table rows. Starts the embedded stack unless API_URL points at a running one (then
 * DATABASE_URL is needed for the table checks).
 */
import { api, check, query, runSmoke } from './support/smoke-harness';
import { MATH_SPEC } from './support/example-specs';

interface Row {
  pattern: string;
  kind: string;
  sender: string;
  recipient: string;
  status: string;
}

void runSmoke('smoke:dispatcher:e2e', async (target) => {
  const answer = await api<{ trace_id: string; agent: string; output: { workspace: string } }>(
    target,
    'POST',
    '/api/pipeline/execute',
    {
      capability: 'codegen.generate',
      input: { spec: MATH_SPEC },
    },
  );
  check(answer.status === 200, `POST /api/pipeline/execute answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const traceId = answer.body.trace_id;
  check(answer.body.agent === 'codegen-worker', `the dispatcher chose ${answer.body.agent}, not codegen-worker`);
  check(typeof answer.body.output?.workspace === 'string', 'the codegen output has no workspace');

  const rows = await query<Row>(
    target,
    'select pattern, kind, sender, recipient, status from agent_messages where trace_id = $1 order by created_at',
    [traceId],
  );
  const request = (pattern: string): Row | undefined =>
    rows.find((row) => row.kind === 'request' && row.pattern === pattern);
  const dispatch = request('dispatcher.execute');
  const work = request('codegen.generate');
  check(dispatch !== undefined, `no dispatcher.execute request in trace ${traceId}`);
  check(
    dispatch.sender.startsWith('orchestrator:') && dispatch.recipient === 'executor-dispatcher',
    `dispatcher.execute went ${dispatch.sender} -> ${dispatch.recipient}`,
  );
  check(dispatch.status === 'done', `dispatcher.execute is ${dispatch.status}`);
  check(work !== undefined, `no codegen.generate request in trace ${traceId}`);
  check(
    work.sender.startsWith('executor-dispatcher:') && work.recipient === 'codegen-worker',
    `codegen.generate went ${work.sender} -> ${work.recipient}`,
  );
  check(work.status === 'done', `codegen.generate is ${work.status}`);
  const replies = rows.filter((row) => row.kind === 'reply');
  check(replies.length === 2, `expected 2 replies in the trace, found ${replies.length}`);
  process.stdout.write(
    `  ${rows.length} rows in trace ${traceId}: orchestrator -> executor-dispatcher -> codegen-worker, all done\n`,
  );
  return [traceId];
});
