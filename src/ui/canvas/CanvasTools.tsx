/**
 * The buttons under the picture (zoom, fit, zoom to the step, the token grid) and, with the grid
 * on, what the model was fed at each turn: the picture's size and tokens, then each crop's.
 */
import { appStore } from '../../store/store';
import { FIT_VIEW } from '../../store/slices/view-slice';
import type { PatchGrid, TurnImage } from './patch-grid';
import { WHEEL_STEP } from './use-canvas-input';

export function CanvasTools({
  zoomBy,
  focusActive,
  canFocus,
  grid,
  showGrid,
  onToggleGrid,
  turns,
}: {
  zoomBy(factor: number): void;
  focusActive(): void;
  canFocus: boolean;
  grid: PatchGrid | null;
  showGrid: boolean;
  onToggleGrid(): void;
  turns: readonly TurnImage[];
}) {
  const [picture, ...crops] = turns;
  return (
    <>
      <div className="canvas-tools" role="toolbar" aria-label="Zoom" data-testid="canvas-tools">
        <button
          type="button"
          onClick={() => zoomBy(WHEEL_STEP * WHEEL_STEP)}
          title="Zoom in"
          aria-label="Zoom in"
        >
          +
        </button>
        <button
          type="button"
          onClick={() => zoomBy(1 / (WHEEL_STEP * WHEEL_STEP))}
          title="Zoom out"
          aria-label="Zoom out"
        >
          −
        </button>
        <button
          type="button"
          onClick={() => appStore.getState().setCanvasView(FIT_VIEW)}
          title="Fit the picture"
          aria-label="Reset zoom"
        >
          ⤢
        </button>
        <button
          type="button"
          onClick={focusActive}
          disabled={!canFocus}
          title="Zoom to the selected step's box"
          aria-label="Zoom to step"
        >
          ◎
        </button>
        <button
          type="button"
          onClick={onToggleGrid}
          disabled={!grid}
          aria-pressed={showGrid}
          data-testid="toggle-patch-grid"
          title="What the model saw: its 28×28 token grid"
          aria-label="Show the model's token grid"
        >
          ▦
        </button>
      </div>
      {showGrid && grid && picture && (
        <div className="canvas-grid-note" data-testid="patch-grid-panel">
          <p data-testid="patch-grid-note">
            The model saw {picture.width}×{picture.height}: {grid.columns}×{grid.rows} cells of 28 px,{' '}
            {grid.tokens} image tokens
          </p>
          {crops.length > 0 && (
            <ul data-testid="patch-grid-turns">
              {crops.map((c) => (
                <li key={c.turn}>
                  turn {c.turn}, {c.what}: {c.width}×{c.height}, {c.tokens} tokens
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
