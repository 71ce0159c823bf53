/**
 * Splits an assistant turn's raw text, possibly cut mid-stream, into the parts the timeline
 * styles differently: thinking, a tool call, an answer, and anything else.
 */
export type TextPartKind = 'think' | 'tool_call' | 'answer' | 'text';

export interface TextPart {
  kind: TextPartKind;
  text: string;
  /** False while the closing tag has not arrived yet. */
  closed: boolean;
}

const TAGS: { kind: Exclude<TextPartKind, 'text'>; open: string; close: string }[] = [
  { kind: 'think', open: '<think>', close: '</think>' },
  { kind: 'tool_call', open: '<tool_call>', close: '</tool_call>' },
  { kind: 'answer', open: '<answer>', close: '</answer>' },
];

/** Length of the longest suffix of `s` that is a proper prefix of `tag`: a tag still arriving. */
function partialTagAt(s: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, s.length); n > 0; n--) if (s.endsWith(tag.slice(0, n))) return n;
  return 0;
}

export function splitAssistantText(raw: string): TextPart[] {
  const parts: TextPart[] = [];
  let rest = raw;
  const pushText = (t: string) => {
    if (t.trim()) parts.push({ kind: 'text', text: t.trim(), closed: true });
  };
  while (rest.length > 0) {
    let first: { at: number; tag: (typeof TAGS)[number] } | null = null;
    for (const tag of TAGS) {
      const at = rest.indexOf(tag.open);
      if (at >= 0 && (!first || at < first.at)) first = { at, tag };
    }
    if (!first) {
      // Hide a half-received opening tag ("<thi") instead of flashing it.
      const cut = Math.max(...TAGS.map((t) => partialTagAt(rest, t.open)));
      pushText(rest.slice(0, rest.length - cut));
      break;
    }
    pushText(rest.slice(0, first.at));
    const body = rest.slice(first.at + first.tag.open.length);
    const end = body.indexOf(first.tag.close);
    if (end < 0) {
      const cut = partialTagAt(body, first.tag.close);
      parts.push({ kind: first.tag.kind, text: body.slice(0, body.length - cut).trim(), closed: false });
      break;
    }
    parts.push({ kind: first.tag.kind, text: body.slice(0, end).trim(), closed: true });
    rest = body.slice(end + first.tag.close.length);
  }
  return parts;
}
