-- Nobody but the service role touches the bus. RLS is on everywhere; anon and authenticated get
-- no grants and no policies; service_role gets explicit grants (new Supabase tables are not
-- exposed without them) and a policy, so it works even where it lacks BYPASSRLS.

alter table public.agent_messages enable row level security;
alter table public.bus_events enable row level security;
alter table public.bus_subscriptions enable row level security;
alter table public.agent_instances enable row level security;

revoke all on table public.agent_messages, public.bus_events, public.bus_subscriptions,
  public.agent_instances from public, anon, authenticated;

grant select, insert, update, delete on table public.agent_messages, public.bus_events,
  public.bus_subscriptions, public.agent_instances to service_role;

create policy agent_messages_service_role on public.agent_messages
  for all to service_role using (true) with check (true);
create policy bus_events_service_role on public.bus_events
  for all to service_role using (true) with check (true);
create policy bus_subscriptions_service_role on public.bus_subscriptions
  for all to service_role using (true) with check (true);
create policy agent_instances_service_role on public.agent_instances
  for all to service_role using (true) with check (true);

-- Functions are executable by PUBLIC by default, and Supabase's default privileges add anon and
-- authenticated: take all of that back and grant the service role alone.
do $$
declare
  fn regprocedure;
begin
  for fn in
    select p.oid::regprocedure
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname like 'bus\_%'
  loop
    execute format('revoke all on function %s from public, anon, authenticated', fn);
    execute format('grant execute on function %s to service_role', fn);
  end loop;
end
$$;

-- Supabase Realtime (postgres_changes) sees a table only through this publication. Plain
-- Postgres has no such publication, so the same migration must not fail there.
do $$
begin
  if exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime' and not puballtables)
     and not exists (
       select 1 from pg_catalog.pg_publication_tables
       where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'agent_messages')
  then
    alter publication supabase_realtime add table public.agent_messages;
  end if;
end
$$;
