import { secretRedactor } from './secret-redactor';

describe(secretRedactor.name, () => {
  const redact = secretRedactor('sb_secret_abc123');

  it('removes every occurrence of the secret', () => {
    expect(redact('key sb_secret_abc123 and again sb_secret_abc123.')).toBe('key [redacted] and again [redacted].');
  });

  it('removes the apikey parameter of a Realtime URL, whatever its value', () => {
    expect(redact('wss://x.supabase.co/realtime/v1/websocket?apikey=other-key&vsn=2.0.0')).toBe(
      'wss://x.supabase.co/realtime/v1/websocket?apikey=[redacted]&vsn=2.0.0',
    );
  });

  it('leaves other text alone', () => {
    expect(redact('permission denied for function bus_claim')).toBe('permission denied for function bus_claim');
  });
});
