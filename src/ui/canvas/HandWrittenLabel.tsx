/** Says on the picture itself that the boxes shown come from a hand-written example, not a model. */
import { useAppStore } from '../../store/store';
import { isHandWritten } from '../hand-written';
import './HandWrittenLabel.css';

export function HandWrittenLabel() {
  const handWritten = useAppStore((s) => isHandWritten(s.trace?.final?.modelId));
  if (!handWritten) return null;
  return (
    <p className="hand-written-label" data-testid="hand-written-label">
      Hand-written example, not model output. Load a model and press Run for a real run.
    </p>
  );
}
