/** The evaluate command's progress line: a bar, counts, rate and the time left. Pure. */

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h > 0) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.round(s)}s`;
}

/**
 * `[########------------] 8/20  40%  2.1 s/question  ETA 25s`; without a known total, the count
 * and the rate only. `elapsed` is seconds since this run started, `finished` counts this run's items.
 */
export function progressLine(
  finished: number,
  total: number | undefined,
  elapsed: number,
  width = 20,
): string {
  const rate = finished > 0 ? elapsed / finished : NaN;
  const each = finished > 0 ? `${rate.toFixed(1)} s/question` : '';
  if (total === undefined || total <= 0) return [`${finished} done`, each].filter(Boolean).join('  ');
  const f = Math.min(1, finished / total);
  const filled = Math.round(f * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const eta = finished > 0 ? `ETA ${duration(rate * (total - finished))}` : 'ETA ?';
  return [bar, `${finished}/${total}`, `${Math.round(f * 100)}%`, each, eta].filter(Boolean).join('  ');
}
