-- The delivery semantics of the bus, one SQL operation per function. Both drivers are thin
-- callers: `select * from public.bus_claim(...)` (Postgres) or `.rpc('bus_claim', ...)` (Supabase).
-- Errors are JSON objects {code, message, retryable?, details?}.
--
-- Durability: what a sender was told is stored (bus_send, bus_publish) commits synchronously.
-- Lease bookkeeping (claim, extend, release, fail, complete, taking replies, presence) commits
-- asynchronously: `set_config('synchronous_commit', 'off', true)` lasts to the end of the caller's
-- transaction. A crash of the database can lose the last few hundred milliseconds of those
-- changes, which at-least-once delivery already covers: the message is claimed and run again.
-- That saves a WAL flush per step of every round trip.

create function public.bus_new_trace_id() returns text
  language sql volatile set search_path = ''
  as $$ select replace(gen_random_uuid()::text, '-', '') $$;

create function public.bus_new_span_id() returns text
  language sql volatile set search_path = ''
  as $$ select substr(replace(gen_random_uuid()::text, '-', ''), 17, 16) $$;

-- Wake-ups: one small, payload-free NOTIFY per statement and recipient, for rows that are due now.
-- NOTIFY is transactional (sent at commit) and folds identical notifications of one transaction.
create function public.bus_notify_inserted() returns trigger
  language plpgsql set search_path = ''
  as $$
begin
  perform pg_notify('bus:' || r.recipient, '')
  from (
    select distinct i.recipient
    from inserted i
    where i.status = 'queued' and i.available_at <= now()
  ) r;
  return null;
end
$$;

create trigger agent_messages_wake_recipients
  after insert on public.agent_messages
  referencing new table as inserted
  for each statement execute function public.bus_notify_inserted();

-- Every request that reaches a final state answers its sender exactly once: each function that
-- ends requests (bus_complete_many, bus_fail, bus_claim, bus_cancel) passes them here, in the same
-- statement batch. One set-based insert per call, so one wake-up per recipient.
create function public.bus_reply_to(p_finished public.agent_messages[])
  returns integer
  language sql volatile set search_path = ''
  as $$
  with sent as (
    insert into public.agent_messages
      (trace_id, span_id, parent_span_id, kind, pattern, sender, recipient, correlation_id,
       payload, headers, error, max_attempts)
    select r.trace_id, public.bus_new_span_id(), r.span_id, 'reply', r.pattern,
           coalesce(r.claimed_by, r.recipient), r.sender, r.id,
           case when r.status = 'done' then coalesce(r.result, 'null'::jsonb) else 'null'::jsonb end,
           jsonb_build_object('outcome', r.status),
           case when r.status = 'done' then null
                else coalesce(r.error, jsonb_build_object('code', 'FAILED', 'message', 'The request failed without an error.')) end,
           1
    from unnest(p_finished) as r
    where r.kind = 'request' and r.status in ('done', 'failed', 'dead', 'expired')
    returning 1)
  select count(*)::integer from sent
$$;

-- bus_send: enqueue requests (or events addressed to one group). Idempotent per recipient on
-- idempotency_key: a repeat returns the first message (duplicate = true) and creates nothing.
create function public.bus_send(messages jsonb)
  returns table (id uuid, recipient text, idempotency_key text, duplicate boolean, status text)
  language sql volatile set search_path = ''
  as $$
  with input as (
    -- A key repeated in one batch is one message; a message without a key is always its own.
    select distinct on (m.recipient, m.idempotency_key, case when m.idempotency_key is null then e.ord end)
      coalesce(m.id, gen_random_uuid()) as id,
      coalesce(m.trace_id, public.bus_new_trace_id()) as trace_id,
      coalesce(m.span_id, public.bus_new_span_id()) as span_id,
      m.parent_span_id,
      coalesce(m.kind, 'request') as kind,
      m.pattern,
      m.sender,
      m.recipient,
      m.correlation_id,
      coalesce(m.payload, 'null'::jsonb) as payload,
      coalesce(m.headers, '{}'::jsonb) as headers,
      coalesce(m.max_attempts, 5) as max_attempts,
      coalesce(m.available_at, now()) as available_at,
      m.deadline_at,
      m.idempotency_key
    from jsonb_array_elements(messages) with ordinality as e(elem, ord)
    cross join lateral jsonb_to_record(e.elem) as m(
      id uuid, trace_id text, span_id text, parent_span_id text, kind text, pattern text,
      sender text, recipient text, correlation_id uuid, payload jsonb, headers jsonb,
      max_attempts integer, available_at timestamptz, deadline_at timestamptz, idempotency_key text)
    order by m.recipient, m.idempotency_key, case when m.idempotency_key is null then e.ord end, e.ord
  )
  insert into public.agent_messages as am
    (id, trace_id, span_id, parent_span_id, kind, pattern, sender, recipient, correlation_id,
     payload, headers, max_attempts, available_at, deadline_at, idempotency_key)
  select i.id, i.trace_id, i.span_id, i.parent_span_id, i.kind, i.pattern, i.sender, i.recipient,
         i.correlation_id, i.payload, i.headers, i.max_attempts, i.available_at, i.deadline_at,
         i.idempotency_key
  from input i
  on conflict (recipient, idempotency_key) where idempotency_key is not null
    do update set idempotency_key = excluded.idempotency_key
  returning am.id, am.recipient::text, am.idempotency_key, am.xmax <> 0, am.status
$$;

-- bus_publish: append facts to bus_events and, in the same transaction, one delivery of kind
-- 'event' per subscribed group (correlation_id = the event's id). An event id seen before, or
-- earlier in the same batch, is a repeat: nothing is appended and nothing fans out.
create function public.bus_publish(events jsonb)
  returns table (id uuid, deliveries integer, duplicate boolean)
  language sql volatile set search_path = ''
  as $$
  with given as materialized (
    select
      coalesce(m.id, gen_random_uuid()) as id,
      coalesce(m.trace_id, public.bus_new_trace_id()) as trace_id,
      coalesce(m.span_id, public.bus_new_span_id()) as span_id,
      m.parent_span_id,
      m.type,
      m.source,
      coalesce(m.data, 'null'::jsonb) as data,
      coalesce(m.headers, '{}'::jsonb) as headers,
      coalesce(m.max_attempts, 5) as max_attempts,
      e.ord
    from jsonb_array_elements(events) with ordinality as e(elem, ord)
    cross join lateral jsonb_to_record(e.elem) as m(
      id uuid, trace_id text, span_id text, parent_span_id text, type text, source text,
      data jsonb, headers jsonb, max_attempts integer)
  ),
  input as (
    select distinct on (g.id) g.* from given g order by g.id, g.ord
  ),
  appended as (
    insert into public.bus_events as be (id, trace_id, span_id, parent_span_id, type, source, data)
    select i.id, i.trace_id, i.span_id, i.parent_span_id, i.type, i.source, i.data
    from input i
    on conflict on constraint bus_events_pkey do nothing
    returning be.id
  ),
  fanned as (
    insert into public.agent_messages as am
      (trace_id, span_id, parent_span_id, kind, pattern, sender, recipient, correlation_id,
       payload, headers, max_attempts)
    select i.trace_id, public.bus_new_span_id(), i.span_id, 'event', i.type, i.source, s.group_name,
           i.id, i.data, i.headers, i.max_attempts
    from input i
    join appended a on a.id = i.id
    join public.bus_subscriptions s on s.pattern = i.type
    returning am.correlation_id
  )
  select g.id,
         case when g.ord = i.ord then (select count(*) from fanned f where f.correlation_id = g.id) else 0 end::integer,
         g.ord <> i.ord or not exists (select 1 from appended a where a.id = g.id)
  from given g
  join input i on i.id = g.id
  order by g.ord
$$;

-- bus_claim: lease up to p_max deliveries for one consumer group. Due queued rows and rows whose
-- lease ran out are taken with SKIP LOCKED; a request past its deadline is expired instead of
-- run, and a row whose lease ran out after its last attempt is dead-lettered (a crashing handler
-- must not loop forever). attempts counts claims, so the fencing token is (claimed_by, attempts).
create function public.bus_claim(
  p_recipient text,
  p_instance text,
  p_max integer default 10,
  p_lease_ms integer default 30000)
  returns setof public.agent_messages
  language plpgsql volatile set search_path = ''
  as $$
declare
  settled public.agent_messages[];
begin
  perform set_config('synchronous_commit', 'off', true);
  with due as materialized (
    select m.id, coalesce(m.deadline_at <= now(), false) as past_deadline, false as exhausted
    from public.agent_messages m
    where m.recipient = p_recipient and m.status = 'queued' and m.available_at <= now()
      and m.kind <> 'reply'
    order by m.available_at
    limit greatest(p_max, 0)
    for update skip locked
  ),
  lapsed as materialized (
    select m.id, coalesce(m.deadline_at <= now(), false) as past_deadline,
           m.attempts >= m.max_attempts as exhausted
    from public.agent_messages m
    where m.recipient = p_recipient and m.status = 'claimed' and m.lease_until < now()
    order by m.lease_until
    limit greatest(p_max, 0)
    for update skip locked
  ),
  picked as materialized (
    (select * from lapsed) union all (select * from due)
    limit greatest(p_max, 0)
  ),
  updated as (
    update public.agent_messages m
    set status = case when p.past_deadline then 'expired' when p.exhausted then 'dead' else 'claimed' end,
        attempts = case when p.past_deadline or p.exhausted then m.attempts else m.attempts + 1 end,
        claimed_by = case when p.past_deadline or p.exhausted then m.claimed_by else p_instance end,
        claimed_at = case when p.past_deadline or p.exhausted then m.claimed_at else now() end,
        lease_until = case when p.past_deadline or p.exhausted then null
                           else now() + make_interval(secs => p_lease_ms / 1000.0) end,
        completed_at = case when p.past_deadline or p.exhausted then now() end,
        error = case
          when p.past_deadline then jsonb_build_object(
            'code', 'DEADLINE_EXCEEDED',
            'message', 'The deadline passed before a worker could run this message, so it was not run. Send it again with a later deadline if it is still wanted.',
            'retryable', false)
          when p.exhausted then jsonb_build_object(
            'code', 'LEASE_EXPIRED',
            'message', format('No worker finished this message within its lease in %s attempts (last holder %s); it is dead-lettered. Check that worker''s logs for a crash or a handler that outlives its lease.', m.attempts, m.claimed_by),
            'retryable', false,
            'details', jsonb_build_object('previous_error', m.error))
          else m.error end
    from picked p
    where m.id = p.id
    returning m.*
  )
  select coalesce(array_agg(u), '{}') into settled from updated u;

  perform public.bus_reply_to(array(select r from unnest(settled) r where r.status <> 'claimed'));
  return query select * from unnest(settled) r where r.status = 'claimed';
end
$$;

-- bus_complete_many: finish leased deliveries, fenced on (claimed_by, attempts): a worker whose
-- lease was taken over completes nothing. A request's reply is written by the reply trigger in the
-- same transaction. Returns the ids that were accepted.
create function public.bus_complete_many(p_instance text, p_completions jsonb)
  returns table (id uuid)
  language plpgsql volatile set search_path = ''
  as $$
declare
  finished public.agent_messages[];
begin
  perform set_config('synchronous_commit', 'off', true);
  with done as (
    update public.agent_messages m
    set status = 'done', completed_at = now(), lease_until = null,
        result = case when m.kind = 'request' then coalesce(c.reply, 'null'::jsonb) end
    from jsonb_to_recordset(p_completions) as c(id uuid, attempt integer, reply jsonb)
    where m.id = c.id and m.status = 'claimed' and m.claimed_by = p_instance and m.attempts = c.attempt
    returning m.*
  )
  select coalesce(array_agg(d), '{}') into finished from done d;

  perform public.bus_reply_to(finished);
  return query select f.id from unnest(finished) f;
end
$$;

create function public.bus_complete(p_id uuid, p_instance text, p_attempt integer, p_reply jsonb default null)
  returns boolean
  language sql volatile set search_path = ''
  as $$
  select exists (
    select 1 from public.bus_complete_many(
      p_instance, jsonb_build_array(jsonb_build_object('id', p_id, 'attempt', p_attempt, 'reply', p_reply))))
$$;

-- bus_fail: a handler failed. Retryable errors go back to the queue after an exponential backoff
-- with jitter (base p_retry_base_ms, capped at 5 minutes) until max_attempts, then 'dead'; a
-- non-retryable error is 'failed' at once. Fenced like completion: no row means the lease was lost.
create function public.bus_fail(
  p_id uuid,
  p_instance text,
  p_attempt integer,
  p_error jsonb,
  p_retryable boolean default true,
  p_retry_base_ms integer default 1000)
  returns table (status text, available_at timestamptz, attempts integer)
  language plpgsql volatile set search_path = ''
  as $$
declare
  failed public.agent_messages;
begin
  perform set_config('synchronous_commit', 'off', true);
  with target as (
    select m.id, (p_retryable and m.attempts < m.max_attempts) as retry,
           least(300000.0, greatest(p_retry_base_ms, 0) * power(2, m.attempts - 1)) * (0.5 + random() * 0.5) as backoff_ms
    from public.agent_messages m
    where m.id = p_id and m.status = 'claimed' and m.claimed_by = p_instance and m.attempts = p_attempt
    for update
  )
  update public.agent_messages m
  set status = case when t.retry then 'queued' when p_retryable then 'dead' else 'failed' end,
      available_at = case when t.retry then now() + make_interval(secs => t.backoff_ms / 1000.0) else m.available_at end,
      claimed_by = case when t.retry then null else m.claimed_by end,
      lease_until = null,
      completed_at = case when t.retry then null else now() end,
      error = coalesce(p_error, jsonb_build_object('code', 'FAILED', 'message', 'The handler failed without an error.'))
  from target t
  where m.id = t.id
  returning m.* into failed;

  if failed.id is null then
    return;
  end if;
  if failed.status <> 'queued' then
    perform public.bus_reply_to(array[failed]);
  end if;
  return query select failed.status, failed.available_at, failed.attempts;
end
$$;

-- bus_extend: lease heartbeat for long handlers; p_leases is [{id, attempt}]. Returns what was
-- extended: a missing id means the lease was lost and the handler's result will be refused.
create function public.bus_extend(p_instance text, p_leases jsonb, p_lease_ms integer default 30000)
  returns table (id uuid, lease_until timestamptz)
  language sql volatile set search_path = ''
  as $$
  select set_config('synchronous_commit', 'off', true);
  update public.agent_messages m
  set lease_until = now() + make_interval(secs => p_lease_ms / 1000.0)
  from jsonb_to_recordset(p_leases) as l(id uuid, attempt integer)
  where m.id = l.id and m.status = 'claimed' and m.claimed_by = p_instance and m.attempts = l.attempt
  returning m.id, m.lease_until
$$;

-- bus_release: graceful shutdown. Leased rows of an instance (all, or p_ids) go back to the queue
-- at once, without counting the attempt, and their groups are woken.
-- Because the attempt is handed back, the same instance must not claim again while a released
-- handler may still finish: it would hold the same fencing token. The transport releases only when
-- it stops claiming for good (shutdown); another instance is always fenced.
create function public.bus_release(p_instance text, p_ids uuid[] default null)
  returns integer
  language plpgsql volatile set search_path = ''
  as $$
declare
  released integer;
begin
  perform set_config('synchronous_commit', 'off', true);
  with back as (
    update public.agent_messages m
    set status = 'queued', claimed_by = null, claimed_at = null, lease_until = null,
        attempts = greatest(m.attempts - 1, 0), available_at = now()
    where m.status = 'claimed' and m.claimed_by = p_instance
      and (p_ids is null or m.id = any (p_ids))
    returning m.recipient
  ),
  woken as (
    select r.recipient, pg_notify('bus:' || r.recipient, '')
    from (select distinct b.recipient from back b) r
  )
  select (select count(*) from back)::integer + 0 * (select count(*) from woken)::integer
  into released;
  return released;
end
$$;

-- bus_cancel: an operator ends messages that should not run (or finish) any more. A request
-- answers its sender with the reason; a running handler's late result is refused by fencing.
create function public.bus_cancel(p_ids uuid[], p_reason text default 'cancelled by an operator')
  returns integer
  language plpgsql volatile set search_path = ''
  as $$
declare
  cancelled public.agent_messages[];
begin
  with ended as (
    update public.agent_messages m
    set status = 'failed', completed_at = now(), lease_until = null,
        error = jsonb_build_object('code', 'CANCELLED', 'message', p_reason, 'retryable', false)
    where m.id = any (p_ids) and m.status in ('queued', 'claimed') and m.kind <> 'reply'
    returning m.*
  )
  select coalesce(array_agg(e), '{}') into cancelled from ended e;
  perform public.bus_reply_to(cancelled);
  return coalesce(array_length(cancelled, 1), 0);
end
$$;

-- bus_take_replies: a requesting instance collects the replies addressed to it. A reply has no
-- handler to retry, so taking it is final.
create function public.bus_take_replies(p_instance text, p_max integer default 100)
  returns setof public.agent_messages
  language sql volatile set search_path = ''
  as $$
  select set_config('synchronous_commit', 'off', true);
  update public.agent_messages m
  set status = 'done', attempts = 1, claimed_by = p_instance, claimed_at = now(), completed_at = now()
  where m.id in (
    select r.id from public.agent_messages r
    where r.recipient = p_instance and r.status = 'queued' and r.kind = 'reply'
    order by r.available_at
    limit greatest(p_max, 0)
    for update skip locked)
  returning m.*
$$;

-- bus_subscribe / bus_unsubscribe: which event types a consumer group receives.
create function public.bus_subscribe(p_group text, p_patterns text[])
  returns integer
  language sql volatile set search_path = ''
  as $$
  with added as (
    insert into public.bus_subscriptions (group_name, pattern)
    select p_group, p from unnest(p_patterns) as p
    on conflict do nothing
    returning 1)
  select count(*)::integer from added
$$;

create function public.bus_unsubscribe(p_group text, p_patterns text[])
  returns integer
  language sql volatile set search_path = ''
  as $$
  with removed as (
    delete from public.bus_subscriptions s
    where s.group_name = p_group and s.pattern = any (p_patterns)
    returning 1)
  select count(*)::integer from removed
$$;

-- bus_heartbeat / bus_deregister: presence of agent instances.
create function public.bus_heartbeat(
  p_instance text,
  p_agent text,
  p_capabilities text[] default '{}',
  p_patterns text[] default '{}',
  p_version text default '0.0.0',
  p_host text default null,
  p_pid integer default null,
  p_meta jsonb default '{}')
  returns timestamptz
  language sql volatile set search_path = ''
  as $$
  select set_config('synchronous_commit', 'off', true);
  insert into public.agent_instances as ai
    (instance_id, agent, capabilities, patterns, version, host, pid, meta)
  values (p_instance, p_agent, p_capabilities, p_patterns, p_version, p_host, p_pid, coalesce(p_meta, '{}'))
  on conflict (instance_id) do update
    set agent = excluded.agent, capabilities = excluded.capabilities, patterns = excluded.patterns,
        version = excluded.version, host = excluded.host, pid = excluded.pid, meta = excluded.meta,
        heartbeat_at = now()
  returning ai.heartbeat_at
$$;

create function public.bus_deregister(p_instance text)
  returns boolean
  language sql volatile set search_path = ''
  as $$
  select set_config('synchronous_commit', 'off', true);
  with gone as (delete from public.agent_instances where instance_id = p_instance returning 1)
  select exists (select 1 from gone)
$$;
