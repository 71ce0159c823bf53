/**
 * Tells screen readers, politely, what the model just did: each finished step's reasoning (the
 * first sentences) and its action, then the answer. Token-by-token text would flood a reader, so
 * it speaks per step; the cards themselves hold the full text.
 */
import type { TraceStep } from '../../agent/types';
import { useAppStore } from '../../store/store';

const EXCERPT = 240;

export function stepAnnouncement(step: TraceStep): string {
  const think = (step.think ?? '').trim();
  const excerpt = think.length > EXCERPT ? `${think.slice(0, EXCERPT).replace(/\s+\S*$/, '')}…` : think;
  const a = step.action;
  const action =
    a.kind === 'tool_call'
      ? `Zooms in${a.call.label ? ` on ${a.call.label}` : ''}.`
      : a.kind === 'answer'
        ? `Answer: ${a.text}.`
        : a.kind === 'tool_error'
          ? `Tool error: ${a.message}.`
          : '';
  return [`Step ${step.index + 1}.`, excerpt, action].filter(Boolean).join(' ');
}

export function LiveAnnouncer() {
  const last = useAppStore((s) => {
    const steps = s.trace?.steps;
    return steps && steps.length > 0 ? steps[steps.length - 1] : null;
  });
  const running = useAppStore((s) => s.runStatus !== 'idle');
  // Only a run in progress speaks: a replayed or restored trace is read from its cards.
  return (
    <div className="visually-hidden" aria-live="polite" data-testid="live-announcer">
      {running && last ? stepAnnouncement(last) : ''}
    </div>
  );
}
