import { SafeHtml, escapeHtml, html } from './safe-html';

describe(escapeHtml.name, () => {
  it('escapes the characters that end an element or a quoted attribute', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;',
    );
  });
});

describe(html.name, () => {
  it('escapes interpolated strings and keeps nested markup', () => {
    const error = '</td><script>alert(1)</script>';
    const cell = html`<td title="${error}">${error}</td>`;
    const row = html`<tr>
      ${[cell, cell]}
    </tr>`;

    expect(row).toBeInstanceOf(SafeHtml);
    expect(row.markup).not.toContain('<script>');
    // Prettier lays out `html` templates as HTML; the line breaks it adds are not under test.
    expect(row.markup.replace(/\s*\n\s*/g, '')).toBe(
      `<tr>${'<td title="&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>'.repeat(2)}</tr>`,
    );
  });

  it('writes numbers and true, and leaves out null, undefined and false', () => {
    expect(html`${1.5}|${true}|${null}|${undefined}|${false}`.markup).toBe('1.5|true|||');
  });
});
