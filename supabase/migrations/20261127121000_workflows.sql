-- Workflow state of the orchestrator: plans it made, runs it drives and their steps. Runs are
-- leased like bus messages (owner + lease_until), so any orchestrator instance resumes a run whose
-- driver died, and only one drives it at a time.

create table public.workflow_plans (
  id uuid primary key,
  decision_id uuid not null unique,
  trace_id public.bus_trace_id not null,
  intent text not null,
  template text
    constraint workflow_plans_template_known check (template in ('indexing', 'codeBuildTest')),
  confidence real not null,
  reason text not null,
  steps jsonb not null default '[]'::jsonb,
  rejected jsonb not null default '[]'::jsonb,
  input jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create table public.workflow_runs (
  id uuid primary key,
  plan_id uuid references public.workflow_plans (id),
  decision_id uuid,
  template text not null
    constraint workflow_runs_template_known check (template in ('indexing', 'codeBuildTest')),
  status text not null default 'running'
    constraint workflow_runs_status_known check (status in ('running', 'succeeded', 'failed')),
  trace_id public.bus_trace_id not null,
  span_id public.bus_span_id not null,
  input jsonb not null default '{}'::jsonb,
  idempotency_key text unique,
  owner public.bus_name,
  lease_until timestamptz,
  error jsonb,
  replanned boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);

-- The resume query: running runs whose driver's lease ran out.
create index workflow_runs_resumable_idx on public.workflow_runs (lease_until) where status = 'running';
create index workflow_runs_trace_idx on public.workflow_runs (trace_id);
create index workflow_runs_decision_idx on public.workflow_runs (decision_id);

create table public.workflow_steps (
  run_id uuid not null references public.workflow_runs (id) on delete cascade,
  index integer not null,
  name text not null,
  capability text not null,
  input jsonb not null default '{}'::jsonb,
  status text not null default 'pending'
    constraint workflow_steps_status_known check (status in ('pending', 'running', 'succeeded', 'failed')),
  attempts integer not null default 0,
  output jsonb,
  error jsonb,
  started_at timestamptz,
  finished_at timestamptz,
  primary key (run_id, index)
);

alter table public.workflow_plans enable row level security;
alter table public.workflow_runs enable row level security;
alter table public.workflow_steps enable row level security;

revoke all on table public.workflow_plans, public.workflow_runs, public.workflow_steps
  from public, anon, authenticated;
grant select, insert, update, delete on table public.workflow_plans, public.workflow_runs,
  public.workflow_steps to service_role;

create policy workflow_plans_service_role on public.workflow_plans
  for all to service_role using (true) with check (true);
create policy workflow_runs_service_role on public.workflow_runs
  for all to service_role using (true) with check (true);
create policy workflow_steps_service_role on public.workflow_steps
  for all to service_role using (true) with check (true);

-- Live agent groups that declared a capability (presence heartbeats newer than p_stale_ms), for the
-- executor-dispatcher's routing.
create function public.bus_capable_agents(p_capability text, p_stale_ms integer default 15000)
  returns table (agent text, instances integer, last_heartbeat_at timestamptz)
  language sql stable set search_path = ''
  as $$
  select i.agent::text, count(*)::integer, max(i.heartbeat_at)
  from public.agent_instances i
  where p_capability = any (i.capabilities)
    and i.heartbeat_at > now() - make_interval(secs => p_stale_ms / 1000.0)
  group by i.agent
  order by i.agent
$$;

revoke all on function public.bus_capable_agents(text, integer) from public, anon, authenticated;
grant execute on function public.bus_capable_agents(text, integer) to service_role;
