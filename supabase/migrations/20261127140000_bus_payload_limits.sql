-- Payload limits that the database enforces itself. BusClient refuses a payload over its limit
-- (1,000,000 bytes of compact JSON by default) before anything is sent, but the Edge Function,
-- another driver or a hand-written call reach bus_send and bus_publish directly: without this,
-- they could store a message of any size, and every claim would then carry it.
--
-- The size is that of Postgres's own JSON text, which puts a space after ',' and ':' and is so up
-- to 1.5 times the compact JSON the client measures; the limit, 2 MiB, is twice the client's
-- default, so whatever the client accepts is accepted here too. Replies are not checked: a
-- handler's result is bounded by the server, and refusing it here would leave its request without
-- an answer.
--
-- NOTIFY needs no guard: bus_notify_inserted() and bus_release() notify with an empty payload on
-- the channel 'bus:' || recipient, and recipient is a bus_name (at most 56 characters of
-- [a-z0-9_:-]), so the channel stays within Postgres's 63 bytes and the payload far below 8000
-- bytes, whatever the message carries.

create function public.bus_refuse_oversized_payload() returns trigger
  language plpgsql set search_path = ''
  as $$
declare
  limit_bytes constant bigint := tg_argv[0]::bigint;
  what text;
  size_bytes bigint;
begin
  if tg_table_name = 'bus_events' then
    what := format('event "%s" from %s', left(new.type, 100), new.source);
    size_bytes := octet_length(new.data::text);
  else
    what := format('%s "%s" to %s', new.kind, left(new.pattern, 100), new.recipient);
    size_bytes := octet_length(new.payload::text);
  end if;
  raise exception using
    errcode = 'program_limit_exceeded',
    message = format('PAYLOAD_TOO_LARGE: the %s carries %s bytes of JSON; the bus takes at most %s.',
                     what, size_bytes, limit_bytes),
    hint = 'Store large data as an artifact and send its reference instead.';
end
$$;

create trigger agent_messages_payload_limit
  before insert on public.agent_messages
  for each row
  when (new.kind <> 'reply' and octet_length(new.payload::text) > 2097152)
  execute function public.bus_refuse_oversized_payload('2097152');

create trigger bus_events_data_limit
  before insert on public.bus_events
  for each row
  when (octet_length(new.data::text) > 2097152)
  execute function public.bus_refuse_oversized_payload('2097152');

-- Like every bus function: the service role alone (20261127100200_bus_security.sql).
revoke all on function public.bus_refuse_oversized_payload() from public, anon, authenticated;
grant execute on function public.bus_refuse_oversized_payload() to service_role;
