// The ToUnicode CMap of an embedded font: maps each subset glyph id back to its text, so that copying text out
// of the PDF, searching it and pdftotext give the real characters (PDF 32000 §9.10.3).

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/** UTF-16BE hex of a string (surrogate pairs for characters beyond U+FFFF). */
function utf16Hex(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += hex4(text.charCodeAt(i));
  return out;
}

/** `unicode[id]` is the text of subset glyph `id`; empty entries (.notdef, accent components) are left out. */
export function toUnicodeCMap(unicode: readonly (string | undefined)[]): string {
  const entries: string[] = [];
  unicode.forEach((text, id) => {
    if (text) entries.push(`<${hex4(id)}> <${utf16Hex(text)}>`);
  });
  const blocks: string[] = [];
  // At most 100 entries per bfchar block (PDF 32000 §9.10.3 / Adobe CMap spec).
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfchar\n${chunk.join('\n')}\nendbfchar`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}
