-- bus_sweep: housekeeping for what crashed processes leave behind.
--
-- A reply is addressed to the instance that sent the request. When that instance died (SIGKILL, a
-- lost pod) or was never a bus member (the Edge Function), nobody will ever take the reply: it
-- stays `queued` for good, and `agent_instances` keeps the dead instance's presence row. The
-- request itself has ended, so nothing is lost; the rows are only clutter that makes queue depth
-- and dashboards lie.
--
-- bus_sweep expires replies older than p_reply_ttl_ms whose recipient has no presence younger than
-- p_instance_ttl_ms, then removes presence rows older than p_instance_ttl_ms. A live requester
-- collects its replies within milliseconds, so a TTL of minutes never touches one it still waits
-- for. The orchestrator calls it once a minute.
create function public.bus_sweep(p_reply_ttl_ms integer default 600000, p_instance_ttl_ms integer default 600000)
  returns table (replies_expired integer, instances_removed integer)
  language plpgsql volatile set search_path = ''
  as $$
declare
  v_replies integer;
  v_instances integer;
begin
  if p_reply_ttl_ms is null or p_reply_ttl_ms < 60000 or p_instance_ttl_ms is null or p_instance_ttl_ms < 60000 then
    raise exception 'bus_sweep: both TTLs must be at least 60000 ms (got % and %)', p_reply_ttl_ms, p_instance_ttl_ms
      using errcode = '22023', hint = 'A shorter TTL could expire replies that a live requester is about to take.';
  end if;
  perform set_config('synchronous_commit', 'off', true);

  update public.agent_messages m
     set status = 'expired',
         completed_at = now(),
         error = jsonb_build_object(
           'code', 'REQUESTER_GONE',
           'message', 'Nobody collected this reply: its requester has no presence (it stopped or crashed).')
   where m.kind = 'reply'
     and m.status = 'queued'
     and m.created_at < now() - make_interval(secs => p_reply_ttl_ms / 1000.0)
     and not exists (
       select 1 from public.agent_instances ai
        where ai.instance_id = m.recipient
          and ai.heartbeat_at >= now() - make_interval(secs => p_instance_ttl_ms / 1000.0));
  get diagnostics v_replies = row_count;

  delete from public.agent_instances
   where heartbeat_at < now() - make_interval(secs => p_instance_ttl_ms / 1000.0);
  get diagnostics v_instances = row_count;

  return query select v_replies, v_instances;
end
$$;

revoke all on function public.bus_sweep(integer, integer) from public, anon, authenticated;
grant execute on function public.bus_sweep(integer, integer) to service_role;
