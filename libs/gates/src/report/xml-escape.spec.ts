import { escapeXmlAttribute, escapeXmlText } from './xml-escape';

describe(escapeXmlText.name, () => {
  it('escapes the markup characters, ampersand first', () => {
    expect(escapeXmlText('a < b && c > d &amp;')).toBe('a &lt; b &amp;&amp; c &gt; d &amp;amp;');
  });

  it('leaves quotes, line breaks and non-ASCII text alone', () => {
    expect(escapeXmlText('"p90" \'ok\'\nprêt ✓ 😀')).toBe('"p90" \'ok\'\nprêt ✓ 😀');
  });

  it('drops characters XML 1.0 cannot carry', () => {
    expect(escapeXmlText('a\u0000b\u0007c\u001bd\uFFFEe\uD800f')).toBe('abcdef');
  });
});

describe(escapeXmlAttribute.name, () => {
  it('also escapes both quotes and keeps tabs and line breaks as references', () => {
    expect(escapeXmlAttribute(`{"cmd":'x'}\t<&>\r\n`)).toBe(
      '{&quot;cmd&quot;:&apos;x&apos;}&#9;&lt;&amp;&gt;&#13;&#10;',
    );
  });
});
