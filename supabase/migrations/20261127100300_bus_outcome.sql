-- bus_outcome: where given messages stand. A sender whose idempotent re-send hit an earlier
-- message uses it to learn that message's result, since the reply went to the first sender.
create function public.bus_outcome(p_ids uuid[])
  returns table (id uuid, kind text, status text, result jsonb, error jsonb, completed_at timestamptz)
  language sql stable set search_path = ''
  as $$
  select m.id, m.kind, m.status, m.result, m.error, m.completed_at
  from public.agent_messages m
  where m.id = any (p_ids)
$$;

revoke all on function public.bus_outcome(uuid[]) from public, anon, authenticated;
grant execute on function public.bus_outcome(uuid[]) to service_role;
