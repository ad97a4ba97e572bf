// Characters XML 1.0 cannot carry at all, not even as references: most C0 controls, lone
// surrogates, U+FFFE and U+FFFF. They are dropped rather than making the whole report unreadable.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` made safe as XML character data. */
export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `text` made safe inside a double- or single-quoted attribute. Tabs and line breaks become
 * character references, because a parser would otherwise normalize them to spaces.
 */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
