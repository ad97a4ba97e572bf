import { displayUrl, joinUrl, splitCredentials } from './display-url';
import { excerpt, redactSecrets } from './redact-secrets';

describe(displayUrl.name, () => {
  it('drops credentials and the query string', () => {
    expect(displayUrl('https://user:secret@llm.test:8443/v1/models?key=abc')).toBe('https://llm.test:8443/v1/models');
    expect(displayUrl('http://cogo.test/')).toBe('http://cogo.test');
    expect(displayUrl('not a url')).toBe('(an invalid URL)');
  });
});

describe(splitCredentials.name, () => {
  it('moves user and password into a Basic Authorization header', () => {
    expect(splitCredentials('http://us%40er:p%3Ass@cogo.test/generate')).toEqual({
      url: 'http://cogo.test/generate',
      authorization: `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`,
    });
    expect(splitCredentials('http://cogo.test/generate')).toEqual({ url: 'http://cogo.test/generate' });
  });
});

describe(joinUrl.name, () => {
  it('appends a path with exactly one slash', () => {
    expect(joinUrl('http://llm.test/v1', 'chat/completions')).toBe('http://llm.test/v1/chat/completions');
    expect(joinUrl('http://llm.test/v1/', '/models')).toBe('http://llm.test/v1/models');
    expect(joinUrl('http://cogo.test', 'health')).toBe('http://cogo.test/health');
  });
});

describe(redactSecrets.name, () => {
  it('replaces every occurrence of each secret, and ignores unset ones', () => {
    expect(redactSecrets('key sk-1234 and sk-1234 again', ['sk-1234', undefined])).toBe(
      'key [redacted] and [redacted] again',
    );
  });

  it('cuts long text for messages', () => {
    expect(excerpt(`a\n\n${'b'.repeat(300)}`, 10)).toBe('a bbbbbbbb…');
  });
});
