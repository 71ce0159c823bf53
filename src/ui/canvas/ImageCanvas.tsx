/**
 * The picture with the model's zoom boxes: fit to the panel, wheel/button zoom, drag to pan,
 * numbered boxes in step colours, a spotlight on the active step, click a box to select it.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Group, Image as KonvaImage, Label, Layer, Rect, Shape, Stage, Tag, Text } from 'react-konva';
import type Konva from 'konva';
import { useAppStore, appStore } from '../../store/store';
import { FIT_VIEW } from '../../store/slices/view-slice';
import {
  boxToStageRect,
  fitTransform,
  hitTestBoxes,
  labelAnchor,
  panBy,
  stageToImage,
  viewForBox,
  viewTransform,
  zoomAt,
  type Size,
  type Transform,
} from './geometry';
import { COMPARE_COLOUR, stepColor } from './palette';
import { useCompareStore } from '../../store/compare-store';
import { activeStep, stepBoxes, visibleBoxes, type StepBox } from './step-boxes';
import { useCanvasImage } from './use-canvas-image';
import { CropPreview } from './CropPreview';
import { HandWrittenLabel } from './HandWrittenLabel';
import { gestureStep, type TouchPoint } from './gesture';
import { patchGrid, type PatchGrid } from './patch-grid';
import './ImageCanvas.css';

const PADDING = 16;
const WHEEL_STEP = 1.15;
const DRAG_THRESHOLD = 4;

declare global {
  interface Window {
    /** Test hook: where image pixels land in the stage container (stage = image * scale + (x, y)). */
    __deepeyes?: { stageTransform(): Transform; stageSize(): Size };
  }
}

function useElementSize(): [React.RefObject<HTMLDivElement | null>, Size] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      setSize({ width: Math.floor(width), height: Math.floor(height) });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size];
}

interface BoxShapeProps {
  b: StepBox;
  t: Transform;
  stage: Size;
  active: boolean;
  dimmed: boolean;
  fontSize: number;
}

function BoxShape({ b, t, stage, active, dimmed, fontSize }: BoxShapeProps) {
  const r = boxToStageRect(t, b.box);
  const c = stepColor(b.stepIndex);
  const labelH = fontSize + 10;
  const text = `${b.stepIndex + 1}  ${b.label}`;
  // Bold system-ui averages about 0.62 em per character: enough to keep the tag inside the stage.
  const labelW = text.length * fontSize * 0.62 + 10;
  const anchor = labelAnchor(r, labelH);
  anchor.x = Math.max(0, Math.min(anchor.x, stage.width - labelW));
  return (
    <Group opacity={dimmed ? 0.45 : 1} listening={false}>
      {/* A dark halo under the coloured stroke keeps it visible on any photo. */}
      <Rect
        x={r.x}
        y={r.y}
        width={r.width}
        height={r.height}
        stroke="rgba(0,0,0,0.55)"
        strokeWidth={active ? 7 : 5}
      />
      <Rect
        x={r.x}
        y={r.y}
        width={r.width}
        height={r.height}
        stroke={c.fill}
        strokeWidth={active ? 4 : 2.5}
        dash={b.live ? [10, 6] : undefined}
      />
      <Label x={anchor.x} y={anchor.y}>
        <Tag fill={c.fill} cornerRadius={3} />
        <Text
          text={text}
          fontSize={fontSize}
          fontStyle="bold"
          padding={5}
          fill={c.text}
          fontFamily="system-ui, sans-serif"
        />
      </Label>
    </Group>
  );
}

/** A box of the compared run (B): one colour for all, dashed, its tag under the box. */
function CompareBoxShape({ b, t, stage, fontSize }: Omit<BoxShapeProps, 'active' | 'dimmed'>) {
  const r = boxToStageRect(t, b.box);
  const text = `B${b.stepIndex + 1}  ${b.label}`;
  const labelW = text.length * fontSize * 0.62 + 10;
  const x = Math.max(0, Math.min(r.x, stage.width - labelW));
  const y = Math.min(r.y + r.height + 3, stage.height - fontSize - 10);
  return (
    <Group listening={false}>
      <Rect x={r.x} y={r.y} width={r.width} height={r.height} stroke="rgba(0,0,0,0.55)" strokeWidth={5} />
      <Rect
        x={r.x}
        y={r.y}
        width={r.width}
        height={r.height}
        stroke={COMPARE_COLOUR.fill}
        strokeWidth={2.5}
        dash={[12, 5]}
      />
      <Label x={x} y={y}>
        <Tag fill={COMPARE_COLOUR.fill} cornerRadius={3} />
        <Text
          text={text}
          fontSize={fontSize}
          fontStyle="bold"
          padding={5}
          fill={COMPARE_COLOUR.text}
          fontFamily="system-ui, sans-serif"
        />
      </Label>
    </Group>
  );
}

/** The model's token grid over the picture: one cell per image token (see patch-grid.ts). */
function GridShape({ grid, t, picture }: { grid: PatchGrid; t: Transform; picture: Size }) {
  return (
    <Shape
      listening={false}
      stroke="rgba(255,255,255,0.55)"
      strokeWidth={1}
      sceneFunc={(ctx, shape) => {
        const w = picture.width * t.scale;
        const h = picture.height * t.scale;
        ctx.beginPath();
        for (let c = 0; c <= grid.columns; c++) {
          const x = t.x + c * grid.cellWidth * t.scale;
          ctx.moveTo(x, t.y);
          ctx.lineTo(x, t.y + h);
        }
        for (let r = 0; r <= grid.rows; r++) {
          const y = t.y + r * grid.cellHeight * t.scale;
          ctx.moveTo(t.x, y);
          ctx.lineTo(t.x + w, y);
        }
        ctx.strokeShape(shape);
      }}
    />
  );
}

/** Darkens everything but the active box, so a room can see what the model looked at. */
function Spotlight({
  rect,
  size,
}: {
  rect: { x: number; y: number; width: number; height: number };
  size: Size;
}) {
  return (
    <Shape
      listening={false}
      sceneFunc={(ctx, shape) => {
        ctx.beginPath();
        ctx.rect(0, 0, size.width, size.height);
        ctx.rect(rect.x + rect.width, rect.y, -rect.width, rect.height);
        ctx.closePath();
        ctx.fillShape(shape);
      }}
      fill="rgba(0,0,0,0.45)"
    />
  );
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
  const otherBoxes = useMemo(() => (other ? stepBoxes(other.steps, null) : []), [other]);
  const active = activeStep(hovered, selected, running, boxes);
  const activeBox = shown.find((b) => b.pos === active) ?? null;

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

  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  const pointer = (e: Konva.KonvaEventObject<MouseEvent | WheelEvent>) =>
    e.target.getStage()?.getPointerPosition() ?? null;

  const hit = useCallback(
    (p: { x: number; y: number }) => {
      if (!t) return null;
      const ip = stageToImage(t, p);
      return hitTestBoxes(
        shown.map((b) => ({ key: b.pos, box: b.box })),
        ip,
        6 / t.scale,
      );
    },
    [t, shown],
  );

  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const p = pointer(e);
    if (!p || !fit) return;
    const factor = e.evt.deltaY < 0 ? WHEEL_STEP : 1 / WHEEL_STEP;
    appStore.getState().setCanvasView(zoomAt(appStore.getState().canvasView, fit, size, p, factor));
  };

  const onDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const p = pointer(e);
    if (p) drag.current = { x: p.x, y: p.y, moved: false };
  };

  const onMove = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const p = pointer(e);
    if (!p) return;
    const d = drag.current;
    const st = appStore.getState();
    if (d && (e.evt.buttons & 1) === 1) {
      const dx = p.x - d.x;
      const dy = p.y - d.y;
      if (d.moved || Math.hypot(dx, dy) > DRAG_THRESHOLD) {
        d.moved = true;
        st.setCanvasView(panBy(st.canvasView, dx, dy));
        drag.current = { x: p.x, y: p.y, moved: true };
      }
      return;
    }
    const h = hit(p);
    if (h !== st.hoveredStep) st.hoverStep(h);
    const container = e.target.getStage()?.container();
    if (container) container.style.cursor = h !== null ? 'pointer' : 'grab';
  };

  const onUp = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const p = pointer(e);
    if (!p) return;
    const h = hit(p);
    if (h !== null) appStore.getState().selectStep(h);
  };

  // Touch: one finger pans, two pinch-zoom; a tap without travel selects the box under it.
  const touches = useRef<{ points: TouchPoint[]; moved: boolean } | null>(null);
  const touchPoints = (e: React.TouchEvent<HTMLDivElement>): TouchPoint[] => {
    const r = e.currentTarget.getBoundingClientRect();
    return Array.from(e.touches, (p) => ({ x: p.clientX - r.left, y: p.clientY - r.top }));
  };
  const onTouchStart = (e: React.TouchEvent<HTMLDivElement>) => {
    touches.current = { points: touchPoints(e), moved: e.touches.length > 1 };
  };
  const onTouchMove = (e: React.TouchEvent<HTMLDivElement>) => {
    const prev = touches.current;
    const next = touchPoints(e);
    const step = prev && fit ? gestureStep(prev.points, next) : null;
    if (step && prev) {
      const travelled = prev.moved || Math.hypot(step.dx, step.dy) > DRAG_THRESHOLD || step.factor !== 1;
      if (travelled) {
        const st = appStore.getState();
        const panned = panBy(st.canvasView, step.dx, step.dy);
        st.setCanvasView(step.factor === 1 ? panned : zoomAt(panned, fit!, size, step.at, step.factor));
        touches.current = { points: next, moved: true };
      }
      return;
    }
    touches.current = { points: next, moved: true };
  };
  const onTouchEnd = (e: React.TouchEvent<HTMLDivElement>) => {
    const prev = touches.current;
    if (e.touches.length > 0) {
      touches.current = { points: touchPoints(e), moved: true };
      return;
    }
    touches.current = null;
    if (!prev || prev.moved || prev.points.length !== 1) return;
    const h = hit(prev.points[0]);
    if (h !== null) appStore.getState().selectStep(h);
  };

  // Keyboard: arrows pick the previous/next box, Enter zooms to it, + and - zoom, 0 fits.
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const st = appStore.getState();
    const order = boxes.map((b) => b.pos);
    const at = st.selectedStep === null ? -1 : order.indexOf(st.selectedStep);
    let handled = true;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
      if (order.length > 0) st.selectStep(order[at < 0 ? 0 : (at + 1) % order.length]);
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
      if (order.length > 0) st.selectStep(order[at <= 0 ? order.length - 1 : at - 1]);
    } else if (e.key === 'Enter') focusActive();
    else if (e.key === '+' || e.key === '=') zoomBy(WHEEL_STEP * WHEEL_STEP);
    else if (e.key === '-') zoomBy(1 / (WHEEL_STEP * WHEEL_STEP));
    else if (e.key === '0') st.setCanvasView(FIT_VIEW);
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const zoomBy = (factor: number) => {
    if (!fit) return;
    const st = appStore.getState();
    st.setCanvasView(zoomAt(st.canvasView, fit, size, { x: size.width / 2, y: size.height / 2 }, factor));
  };

  const focusActive = () => {
    if (fit && activeBox) appStore.getState().setCanvasView(viewForBox(activeBox.box, fit, size));
  };

  const fontSize = presentation ? 20 : 14;
  const activeRect = t && activeBox ? boxToStageRect(t, activeBox.box) : null;

  const activeLabel = activeBox ? `Step ${activeBox.stepIndex + 1}: ${activeBox.label}. ` : '';
  return (
    <div className="canvas-wrap" ref={wrapRef}>
      <div
        className="canvas-stage"
        data-testid="image-stage"
        tabIndex={0}
        role="application"
        aria-roledescription="picture with zoom boxes"
        aria-label={`${activeLabel}${boxes.length} zoom box${boxes.length === 1 ? '' : 'es'}. Arrow keys pick a box, Enter zooms to it, plus and minus zoom, 0 fits the picture.`}
        onKeyDown={onKeyDown}
        onTouchStart={onTouchStart}
        onTouchMove={onTouchMove}
        onTouchEnd={onTouchEnd}
        onTouchCancel={() => (touches.current = null)}
      >
        {size.width > 0 && size.height > 0 && (
          <Stage
            width={size.width}
            height={size.height}
            onWheel={onWheel}
            onMouseDown={onDown}
            onMouseMove={onMove}
            onMouseUp={onUp}
            onMouseLeave={() => {
              drag.current = null;
              if (appStore.getState().hoveredStep !== null) appStore.getState().hoverStep(null);
            }}
          >
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
              {showGrid && grid && t && picture && (
                <GridShape grid={grid} t={t} picture={{ width: picture.width, height: picture.height }} />
              )}
              {activeRect && <Spotlight rect={activeRect} size={size} />}
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
            </Layer>
          </Stage>
        )}
      </div>
      <HandWrittenLabel />
      {t && activeRect && active !== null && <CropPreview pos={active} rect={activeRect} stage={size} />}
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
          disabled={!activeBox}
          title="Zoom to the selected step's box"
          aria-label="Zoom to step"
        >
          ◎
        </button>
        <button
          type="button"
          onClick={() => setShowGrid((v) => !v)}
          disabled={!grid}
          aria-pressed={showGrid}
          data-testid="toggle-patch-grid"
          title="What the model saw: its 28×28 token grid"
          aria-label="Show the model's token grid"
        >
          ▦
        </button>
      </div>
      {showGrid && grid && seen && (
        <p className="canvas-grid-note" data-testid="patch-grid-note">
          The model saw {seen.resizedWidth}×{seen.resizedHeight}: {grid.columns}×{grid.rows} cells of 28 px,{' '}
          {grid.tokens} image tokens
        </p>
      )}
      {children}
    </div>
  );
}
