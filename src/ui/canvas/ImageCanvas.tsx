/**
 * The picture with the model's zoom boxes: fit to the panel, wheel/button zoom, drag to pan,
 * numbered boxes in step colours, a spotlight on the active step, click a box to select it; the
 * compared run's boxes, an eval record's ground-truth boxes, a rotate step's turned outline, and
 * the model's token grid. The shapes live in shapes/, the input handling in use-canvas-input.ts.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Image as KonvaImage, Layer, Stage } from 'react-konva';
import { useAppStore, appStore } from '../../store/store';
import { boxToStageRect, fitTransform, viewTransform, type Size, type Transform } from './geometry';
import { useCompareStore } from '../../store/compare-store';
import { activeStep, stepBoxes, visibleBoxes } from './step-boxes';
import { useCanvasImage } from './use-canvas-image';
import { CropPreview } from './CropPreview';
import { HandWrittenLabel } from './HandWrittenLabel';
import { patchGrid, turnImages } from './patch-grid';
import { rotateAngle } from './rotate-mark';
import { useElementSize } from './use-element-size';
import { useCanvasInput } from './use-canvas-input';
import { CanvasTools } from './CanvasTools';
import { BoxShape } from './shapes/BoxShape';
import { CompareBoxShape } from './shapes/CompareBoxShape';
import { GridShape } from './shapes/GridShape';
import { RotateMark } from './shapes/RotateMark';
import { Spotlight } from './shapes/Spotlight';
import { TruthBoxShape } from './shapes/TruthBoxShape';
import './ImageCanvas.css';

const PADDING = 16;

declare global {
  interface Window {
    /** Test hook: where image pixels land in the stage container (stage = image * scale + (x, y)). */
    __deepeyes?: { stageTransform(): Transform; stageSize(): Size };
  }
}

export function ImageCanvas({ children }: { children?: ReactNode }) {
  const [wrapRef, size] = useElementSize();
  const picture = useCanvasImage();
  const steps = useAppStore((s) => s.trace?.steps ?? null);
  const liveTurn = useAppStore((s) => s.trace?.live?.turn ?? null);
  const liveSegments = useAppStore((s) => s.trace?.live?.segments ?? null);
  const selected = useAppStore((s) => s.selectedStep);
  const hovered = useAppStore((s) => s.hoveredStep);
  const running = useAppStore((s) => s.runStatus !== 'idle');
  const view = useAppStore((s) => s.canvasView);
  const presentation = useAppStore((s) => s.presentation);
  const truthBoxes = useAppStore((s) => s.trace?.final?.groundTruth?.boxes ?? null);

  const boxes = useMemo(
    () =>
      stepBoxes(
        steps ?? [],
        liveTurn !== null && liveSegments ? { turn: liveTurn, segments: liveSegments } : null,
      ),
    [steps, liveTurn, liveSegments],
  );
  const shown = useMemo(() => visibleBoxes(boxes, selected), [boxes, selected]);
  // The compared run's boxes (compare mode), all of them: its steps are not selectable here.
  const other = useCompareStore((s) => s.other);
  const currentSha = useAppStore((s) => s.trace?.final?.image.sha256 ?? null);
  const [showGrid, setShowGrid] = useState(false);
  const seen = useAppStore((s) => s.trace?.final?.image ?? null);
  const grid = useMemo(
    () => (seen ? patchGrid(seen, { width: seen.resizedWidth, height: seen.resizedHeight }) : null),
    [seen],
  );
  const turns = useMemo(() => (seen ? turnImages(seen, steps ?? []) : []), [seen, steps]);
  const otherBoxes = useMemo(() => (other ? stepBoxes(other.steps, null) : []), [other]);
  const active = activeStep(hovered, selected, running, boxes);
  const activeBox = shown.find((b) => b.pos === active) ?? null;
  const activeStepData = active !== null ? steps?.[active] : undefined;
  const angle = rotateAngle(activeStepData);
  // With the grid on, a zoom's own grid: its crop's tokens laid over its box.
  const activeCrop = activeStepData?.action.kind === 'tool_call' ? activeStepData.action.crop : null;
  const cropGrid =
    showGrid && activeBox && activeCrop
      ? {
          area: {
            x: activeBox.box[0],
            y: activeBox.box[1],
            width: activeBox.box[2] - activeBox.box[0],
            height: activeBox.box[3] - activeBox.box[1],
          },
          grid: patchGrid(
            { width: activeBox.box[2] - activeBox.box[0], height: activeBox.box[3] - activeBox.box[1] },
            { width: activeCrop.resizedWidth, height: activeCrop.resizedHeight },
          ),
        }
      : null;

  const imgW = picture?.width ?? 0;
  const imgH = picture?.height ?? 0;
  const fit = useMemo(
    () => (imgW > 0 && imgH > 0 ? fitTransform({ width: imgW, height: imgH }, size, PADDING) : null),
    [imgW, imgH, size],
  );
  const t = fit ? viewTransform(fit, view, size) : null;

  const tRef = useRef<Transform | null>(t);
  useLayoutEffect(() => {
    tRef.current = t;
  });
  useEffect(() => {
    window.__deepeyes = {
      stageTransform: () => ({ ...(tRef.current ?? { scale: 1, x: 0, y: 0 }) }),
      stageSize: () => ({ ...size }),
    };
  }, [size]);

  // A new picture starts fitted.
  const pictureKey = picture ? `${picture.width}x${picture.height}` : '';
  useEffect(() => {
    appStore.getState().resetCanvasView();
  }, [pictureKey]);

  const input = useCanvasInput({ t, fit, size, shown, boxes, activeBox });

  const fontSize = presentation ? 20 : 14;
  const activeRect = t && activeBox ? boxToStageRect(t, activeBox.box) : null;
  const pictureSize = picture ? { width: picture.width, height: picture.height } : null;

  const activeLabel = activeBox
    ? `Step ${activeBox.stepIndex + 1}: ${activeBox.label}. `
    : angle !== null && activeStepData
      ? `Step ${activeStepData.index + 1}: rotate ${angle}°. `
      : '';
  return (
    <div className="canvas-wrap" ref={wrapRef}>
      <div
        className="canvas-stage"
        data-testid="image-stage"
        tabIndex={0}
        role="application"
        aria-roledescription="picture with zoom boxes"
        aria-label={`${activeLabel}${boxes.length} zoom box${boxes.length === 1 ? '' : 'es'}${truthBoxes?.length ? `, ${truthBoxes.length} ground-truth box${truthBoxes.length === 1 ? '' : 'es'}` : ''}. Arrow keys pick a box, Enter zooms to it, plus and minus zoom, 0 fits the picture.`}
        {...input.element}
      >
        {size.width > 0 && size.height > 0 && (
          <Stage width={size.width} height={size.height} {...input.stage}>
            <Layer>
              {picture && t && (
                <KonvaImage
                  image={picture.source}
                  x={t.x}
                  y={t.y}
                  width={picture.width * t.scale}
                  height={picture.height * t.scale}
                  listening={false}
                />
              )}
              {showGrid && grid && t && pictureSize && (
                <GridShape grid={grid} t={t} area={{ x: 0, y: 0, ...pictureSize }} />
              )}
              {activeRect && <Spotlight rect={activeRect} size={size} />}
              {cropGrid && t && <GridShape grid={cropGrid.grid} t={t} area={cropGrid.area} />}
              {t &&
                other &&
                other.image.sha256 === currentSha &&
                otherBoxes.map((b) => (
                  <CompareBoxShape key={`b${b.pos}`} b={b} t={t} stage={size} fontSize={fontSize} />
                ))}
              {t &&
                shown.map((b) => (
                  <BoxShape
                    key={b.pos}
                    b={b}
                    t={t}
                    stage={size}
                    active={b.pos === active}
                    dimmed={active !== null && b.pos !== active}
                    fontSize={fontSize}
                  />
                ))}
              {t &&
                truthBoxes?.map((box, i) => (
                  <TruthBoxShape key={`gt${i}`} box={box} t={t} stage={size} fontSize={fontSize} />
                ))}
              {t && pictureSize && angle !== null && activeStepData && (
                <RotateMark
                  stepIndex={activeStepData.index}
                  angle={angle}
                  picture={pictureSize}
                  t={t}
                  fontSize={fontSize}
                />
              )}
            </Layer>
          </Stage>
        )}
      </div>
      <HandWrittenLabel />
      {t && activeRect && active !== null && <CropPreview pos={active} rect={activeRect} stage={size} />}
      <CanvasTools
        zoomBy={input.zoomBy}
        focusActive={input.focusActive}
        canFocus={activeBox !== null}
        grid={grid}
        showGrid={showGrid}
        onToggleGrid={() => setShowGrid((v) => !v)}
        turns={turns}
      />
      {children}
    </div>
  );
}
