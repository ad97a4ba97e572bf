-- bus_ping: the cheapest round trip to the database through the Data API, for the readiness check
-- of the Supabase driver (`.rpc('bus_ping')`). The Postgres driver selects 1 instead.
create function public.bus_ping()
  returns timestamptz
  language sql stable set search_path = ''
  as $$ select now() $$;

revoke all on function public.bus_ping() from public, anon, authenticated;
grant execute on function public.bus_ping() to service_role;
