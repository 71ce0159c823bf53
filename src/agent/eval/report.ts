/** Terminal text for the evaluate command: a line per item and the summary table. Pure. */
import type { EvalRecord } from './evaluate';
import type { EvalSummary } from './score';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function short(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const VERDICT = { correct: 'correct', wrong: 'WRONG', needs_judge: 'judge?' } as const;

/** `#12 direct_attributes/sa_1.jpg  answer B  pred "B"  correct  tools 1  8.2 s` */
export function formatItemLine(position: number, r: EvalRecord): string {
  const letter = r.dataset === 'vstar' ? r.answer_choice : r.answer;
  const parts = [
    `#${position + 1}`,
    r.id,
    `answer ${letter}`,
    `pred ${JSON.stringify(short(r.pred_ans, 40))}`,
    VERDICT[r.score],
    `tools ${r.tool_calls}${r.tool_errors ? ` (+${r.tool_errors} bad)` : ''}`,
    `${r.seconds.toFixed(1)} s`,
  ];
  if (r.status === 'error') parts.push(`error: ${short(r.error ?? 'unknown', 80)}`);
  return parts.join('  ');
}

export function formatSummary(name: string, s: EvalSummary): string {
  const rows: string[][] = [['category', 'n', 'correct', 'wrong', 'judge?', 'accuracy']];
  for (const c of s.categories)
    rows.push([
      c.category,
      String(c.n),
      String(c.correct),
      String(c.wrong),
      String(c.needsJudge),
      pct(c.accuracy),
    ]);
  const rule = s.overallRule === 'items' ? 'mean of questions' : 'mean of categories';
  rows.push([`overall (${rule})`, String(s.n), String(s.correct), '', String(s.needsJudge), pct(s.overall)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const out = [`${name}: ${s.n} question(s)`, ...rows.map(line)];
  out.push(`mean tool calls per question: ${s.meanToolCalls.toFixed(2)}`);
  if (s.needsJudge > 0)
    out.push(
      `${s.needsJudge} answer(s) need an LLM judge (counted as wrong above; the official judge_result*.py scripts can score them)`,
    );
  if (s.errors > 0) out.push(`${s.errors} run(s) ended in an error (see "error" in the results file)`);
  return out.join('\n') + '\n';
}
