/**
 * Mouse, touch and keyboard on the picture: wheel and buttons zoom, drag pans, a click or tap
 * selects the box under it, two fingers pinch; arrows pick boxes, Enter zooms to one, + and -
 * zoom, 0 fits. Every change goes through the store's canvas view.
 */
import { useCallback, useRef } from 'react';
import type Konva from 'konva';
import { appStore } from '../../store/store';
import { FIT_VIEW } from '../../store/slices/view-slice';
import { hitTestBoxes, panBy, stageToImage, viewForBox, zoomAt, type Size, type Transform } from './geometry';
import { gestureStep, type TouchPoint } from './gesture';
import type { StepBox } from './step-boxes';

export const WHEEL_STEP = 1.15;
const DRAG_THRESHOLD = 4;

export interface CanvasInputState {
  t: Transform | null;
  fit: Transform | null;
  size: Size;
  /** Boxes drawn now (hit testing). */
  shown: readonly StepBox[];
  /** Every box of the run (keyboard order). */
  boxes: readonly StepBox[];
  activeBox: StepBox | null;
}

export function useCanvasInput({ t, fit, size, shown, boxes, activeBox }: CanvasInputState) {
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

  const zoomBy = (factor: number) => {
    if (!fit) return;
    const st = appStore.getState();
    st.setCanvasView(zoomAt(st.canvasView, fit, size, { x: size.width / 2, y: size.height / 2 }, factor));
  };

  const focusActive = () => {
    if (fit && activeBox) appStore.getState().setCanvasView(viewForBox(activeBox.box, fit, size));
  };

  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const p = pointer(e);
    if (!p || !fit) return;
    const factor = e.evt.deltaY < 0 ? WHEEL_STEP : 1 / WHEEL_STEP;
    appStore.getState().setCanvasView(zoomAt(appStore.getState().canvasView, fit, size, p, factor));
  };

  const onMouseDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const p = pointer(e);
    if (p) drag.current = { x: p.x, y: p.y, moved: false };
  };

  const onMouseMove = (e: Konva.KonvaEventObject<MouseEvent>) => {
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

  const onMouseUp = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const p = pointer(e);
    if (!p) return;
    const h = hit(p);
    if (h !== null) appStore.getState().selectStep(h);
  };

  const onMouseLeave = () => {
    drag.current = null;
    if (appStore.getState().hoveredStep !== null) appStore.getState().hoverStep(null);
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
  const onTouchCancel = () => {
    touches.current = null;
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

  return {
    stage: { onWheel, onMouseDown, onMouseMove, onMouseUp, onMouseLeave },
    element: { onKeyDown, onTouchStart, onTouchMove, onTouchEnd, onTouchCancel },
    zoomBy,
    focusActive,
  };
}
