/** What a step card calls its step and its tool: a rotate call is named as one, not as a zoom. */
import type { TraceStep } from '../../agent/types';

const ROTATE = 'image_rotate_tool';

export function isRotate(step: TraceStep): boolean {
  return step.action.kind === 'tool_call' && step.action.call.name === ROTATE;
}

export function stepTitle(step: TraceStep): string {
  switch (step.action.kind) {
    case 'tool_call':
      return isRotate(step) ? 'Rotate' : 'Zoom';
    case 'answer':
      return 'Answer';
    case 'tool_error':
      return 'Tool error';
    case 'budget':
      return 'Limit';
    default:
      return 'Text';
  }
}

/** The tool line's name: "Rotate 90°" for a rotate call with an angle, else "Zoom in". */
export function toolName(step: TraceStep): string {
  const a = step.action;
  if (a.kind !== 'tool_call') return '';
  if (!isRotate(step)) return 'Zoom in';
  return a.call.angle !== undefined ? `Rotate ${a.call.angle}°` : 'Rotate';
}
