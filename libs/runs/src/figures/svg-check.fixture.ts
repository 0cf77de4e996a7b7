// A strict little XML reader for the figure tests: throws where the markup is not well-formed
// (unbalanced or crossed tags, unquoted or repeated attributes, a bare & or <, more than one root),
// and returns the element tree so tests can read coordinates and text back.
export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside, entities decoded. */
  text: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, where: number): string {
  if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`xml at ${where}: bare & or < in ${JSON.stringify(s.slice(0, 40))}`);
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITY[e]);
}

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { tag: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>|<|[^<]+/g;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    const [all, close, tag, attrText, selfClose] = m;
    if (all.startsWith('<?') || all.startsWith('<!--')) continue;
    const top = stack[stack.length - 1];
    if (all === '<') throw new Error(`xml at ${m.index}: malformed tag ${JSON.stringify(xml.slice(m.index, m.index + 40))}`);
    if (!tag) {
      if (top === root && all.trim() !== '') throw new Error(`xml at ${m.index}: text outside the root element`);
      top.text += decode(all, m.index);
      continue;
    }
    if (close) {
      if (top.tag !== tag) throw new Error(`xml at ${m.index}: </${tag}> closes <${top.tag}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) {
      if (a[1] in attrs) throw new Error(`xml at ${m.index}: <${tag}> repeats ${a[1]}`);
      attrs[a[1]] = decode(a[2], m.index);
    }
    if (top === root && root.children.length > 0) throw new Error(`xml at ${m.index}: a second root <${tag}>`);
    const node: XmlElement = { tag, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClose) stack.push(node);
  }
  if (stack.length !== 1) throw new Error(`xml: <${stack[stack.length - 1].tag}> is not closed`);
  if (root.children.length !== 1) throw new Error('xml: no root element');
  return root.children[0];
}

/** Every element below `node` (depth first) with this tag. */
export function findAll(node: XmlElement, tag: string): XmlElement[] {
  return node.children.flatMap((c) => [...(c.tag === tag ? [c] : []), ...findAll(c, tag)]);
}

/** The text of every <text> element, in document order. */
export function texts(node: XmlElement): string[] {
  return findAll(node, 'text').map((t) => t.text);
}
