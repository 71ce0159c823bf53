/**
 * The active step's crop, large, in the canvas corner farthest from its box: what the model
 * was actually fed at that step (before its resize), with the label and sizes.
 */
import type { CropInfo } from '../../agent/types';
import { useAppStore } from '../../store/store';
import type { AppState } from '../../store/store';
import { farthestCorner, type Rect, type Size } from './geometry';
import { stepColor } from './palette';
import './CropPreview.css';

interface PreviewData {
  stepIndex: number;
  label: string;
  crop: CropInfo;
}

function previewFor(s: AppState, pos: number): PreviewData | null {
  const d = s.trace;
  if (!d) return null;
  const step = d.steps[pos];
  if (step) {
    const a = step.action;
    return a.kind === 'tool_call'
      ? { stepIndex: step.index, label: a.call.label ?? a.call.name, crop: a.crop }
      : null;
  }
  if (d.live && pos === d.steps.length) {
    let label = '';
    let crop: CropInfo | null = null;
    for (const seg of d.live.segments) {
      if (seg.kind === 'tool_call') label = seg.call.label ?? seg.call.name;
      if (seg.kind === 'tool_result') crop = seg.crop;
    }
    return crop ? { stepIndex: d.live.turn, label, crop } : null;
  }
  return null;
}

export function CropPreview({ pos, rect, stage }: { pos: number; rect: Rect; stage: Size }) {
  // Fields are read separately so the selector returns stable values between tokens.
  const stepIndex = useAppStore((s) => previewFor(s, pos)?.stepIndex ?? null);
  const label = useAppStore((s) => previewFor(s, pos)?.label ?? '');
  const crop = useAppStore((s) => previewFor(s, pos)?.crop ?? null);
  if (!crop || stepIndex === null) return null;
  const c = stepColor(stepIndex);
  return (
    <figure
      className={`crop-preview crop-preview--${farthestCorner(rect, stage)}`}
      data-testid="crop-preview"
      style={{ borderColor: c.fill }}
    >
      <img src={crop.dataUrl} alt={`Crop of step ${stepIndex + 1}: ${label}`} />
      <figcaption>
        <span className="step-badge" style={{ background: c.fill, color: c.text }}>
          {stepIndex + 1}
        </span>
        <span className="crop-preview__label">{label}</span>
        <span className="crop-preview__size">
          {crop.width}×{crop.height} → {crop.resizedWidth}×{crop.resizedHeight} · {crop.imageTokens} tokens
        </span>
      </figcaption>
    </figure>
  );
}
