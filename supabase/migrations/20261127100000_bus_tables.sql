-- The bus: one row per delivery in agent_messages, the readable history of facts in bus_events,
-- the event fan-out map in bus_subscriptions and agent presence in agent_instances.
-- The same file runs on Supabase and on plain (embedded) Postgres.

-- Agent, group and instance names: lowercase, digits, '_', ':' and '-'. Safe as a Realtime filter
-- value and, prefixed with 'bus:', as a NOTIFY channel (which Postgres caps at 63 bytes).
create domain public.bus_name as text
  check (value ~ '^[a-z0-9_:-]{1,56}$');

create domain public.bus_trace_id as text
  check (value ~ '^[0-9a-f]{32}$' and value <> '00000000000000000000000000000000');

create domain public.bus_span_id as text
  check (value ~ '^[0-9a-f]{16}$' and value <> '0000000000000000');

create table public.agent_messages (
  id uuid primary key default gen_random_uuid(),
  trace_id public.bus_trace_id not null,
  span_id public.bus_span_id not null,
  parent_span_id public.bus_span_id,
  kind text not null
    constraint agent_messages_kind_known check (kind in ('request', 'reply', 'event')),
  pattern text not null
    constraint agent_messages_pattern_present check (length(pattern) between 1 and 512),
  sender public.bus_name not null,
  recipient public.bus_name not null,
  correlation_id uuid,
  payload jsonb not null default 'null'::jsonb,
  headers jsonb not null default '{}'::jsonb
    constraint agent_messages_headers_object check (jsonb_typeof(headers) = 'object'),
  status text not null default 'queued'
    constraint agent_messages_status_known
      check (status in ('queued', 'claimed', 'done', 'failed', 'dead', 'expired')),
  attempts integer not null default 0,
  max_attempts integer not null default 5
    constraint agent_messages_max_attempts_range check (max_attempts between 1 and 100),
  available_at timestamptz not null default now(),
  deadline_at timestamptz,
  lease_until timestamptz,
  claimed_by public.bus_name,
  idempotency_key text
    constraint agent_messages_idempotency_key_length check (length(idempotency_key) between 1 and 200),
  result jsonb,
  error jsonb,
  created_at timestamptz not null default now(),
  claimed_at timestamptz,
  completed_at timestamptz,
  constraint agent_messages_reply_correlated check (kind <> 'reply' or correlation_id is not null),
  constraint agent_messages_claim_consistent
    check (status <> 'claimed' or (claimed_by is not null and lease_until is not null))
);

comment on table public.agent_messages is
  'One row per delivery (request, reply or event). Realtime/NOTIFY only wake consumers; this table is the truth.';
comment on column public.agent_messages.recipient is
  'Consumer group (agent name) for requests and events; the sending instance for replies.';
comment on column public.agent_messages.deadline_at is
  'A request still queued after this instant is expired, not run; its sender gets an error reply.';
comment on column public.agent_messages.result is
  'The handler''s answer to a request, kept so an idempotent re-send can be answered without re-running it.';

-- The claim query: queued and due, oldest first, per recipient.
create index agent_messages_claimable_idx
  on public.agent_messages (recipient, available_at)
  where status = 'queued';

-- Lease takeover: claimed rows whose lease ran out, per recipient.
create index agent_messages_leased_idx
  on public.agent_messages (recipient, lease_until)
  where status = 'claimed';

create unique index agent_messages_idempotency_idx
  on public.agent_messages (recipient, idempotency_key)
  where idempotency_key is not null;

create index agent_messages_correlation_idx
  on public.agent_messages (correlation_id)
  where correlation_id is not null;

create index agent_messages_trace_idx on public.agent_messages (trace_id, created_at);

create table public.bus_events (
  id uuid primary key default gen_random_uuid(),
  trace_id public.bus_trace_id not null,
  span_id public.bus_span_id not null,
  parent_span_id public.bus_span_id,
  type text not null
    constraint bus_events_type_present check (length(type) between 1 and 512),
  source public.bus_name not null,
  data jsonb not null default 'null'::jsonb,
  created_at timestamptz not null default now()
);

comment on table public.bus_events is 'Append-only log of facts; each row fans out to subscribed groups.';

create index bus_events_trace_idx on public.bus_events (trace_id, created_at);
create index bus_events_type_idx on public.bus_events (type, created_at);

create table public.bus_subscriptions (
  group_name public.bus_name not null,
  pattern text not null
    constraint bus_subscriptions_pattern_present check (length(pattern) between 1 and 512),
  created_at timestamptz not null default now(),
  primary key (pattern, group_name)
);

comment on table public.bus_subscriptions is 'Which consumer groups receive which event types.';

create table public.agent_instances (
  instance_id public.bus_name primary key,
  agent public.bus_name not null,
  capabilities text[] not null default '{}',
  patterns text[] not null default '{}',
  version text not null default '0.0.0',
  host text,
  pid integer,
  meta jsonb not null default '{}'::jsonb,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);

comment on table public.agent_instances is 'Presence: live agent instances and what they can do.';

create index agent_instances_agent_idx on public.agent_instances (agent, heartbeat_at);
