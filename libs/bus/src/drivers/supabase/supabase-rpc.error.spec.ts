import { SupabaseRpcError } from './supabase-rpc.error';

describe(SupabaseRpcError.name, () => {
  it('names the function, the HTTP status and PostgREST code, and the message', () => {
    const error = new SupabaseRpcError({
      fn: 'bus_send',
      status: 409,
      code: '23505',
      message: 'duplicate key value violates unique constraint',
    });
    expect(error.message).toBe(
      'Supabase rpc bus_send failed (HTTP 409, 23505): duplicate key value violates unique constraint',
    );
    expect(error).toMatchObject({ name: 'SupabaseRpcError', fn: 'bus_send', status: 409, code: '23505' });
  });

  it('says to push the migrations when PostgREST does not know the function', () => {
    const error = new SupabaseRpcError({
      fn: 'bus_ping',
      status: 404,
      code: 'PGRST202',
      message: 'Could not find the function public.bus_ping without parameters in the schema cache',
      hint: null,
    });
    expect(error.message).toMatch(/apply supabase\/migrations \(`supabase db push`\)$/);
  });

  it('points at the key when the call is not allowed', () => {
    const error = new SupabaseRpcError({ fn: 'bus_claim', status: 401, code: '42501', message: 'permission denied' });
    expect(error.message).toMatch(/SUPABASE_SERVICE_ROLE_KEY is the service-role \(secret\) key/);
  });

  it('describes a call that got no answer', () => {
    const error = new SupabaseRpcError({
      fn: 'bus_claim',
      status: 0,
      code: 'TIMEOUT',
      message: 'no answer within 5 ms',
    });
    expect(error.message).toMatch(/^Supabase rpc bus_claim failed \(TIMEOUT\): no answer within 5 ms\. /);
  });
});
