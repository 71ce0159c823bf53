import { describe, expect, it } from 'vitest';
import { reduceAgentEvents } from '../../agent/trace/fold';
import {
  buildSampleTrace,
  cropInfoFor,
  LADYBIRD,
  sampleCropBoxes,
  sampleImageInfo,
} from '../../app/samples/sample-trace';
import { traceToEvents } from '../../app/replay/trace-to-events';
import type { TraceDraft } from '../../store/trace-draft';
import { activeStep, stepBoxes as boxesOf, visibleBoxes } from './step-boxes';

const stepBoxes = (d: TraceDraft | null) => (d ? boxesOf(d.steps, d.live) : []);

const trace = buildSampleTrace(
  LADYBIRD,
  sampleImageInfo(LADYBIRD, 'data:,', ''),
  sampleCropBoxes(LADYBIRD).map((b) => cropInfoFor(b, 'data:,')),
);
const events = traceToEvents(trace).map((e) => e.event);

describe('stepBoxes', () => {
  it('draws one box per zoom of a finished trace, in original pixels', () => {
    const boxes = stepBoxes(reduceAgentEvents(events));
    expect(boxes.map((b) => b.box)).toEqual(sampleCropBoxes(LADYBIRD));
    expect(boxes.map((b) => [b.pos, b.stepIndex, b.live])).toEqual([
      [0, 0, false],
      [1, 1, false],
      [2, 2, false],
    ]);
    expect(boxes[0].label).toBe('red insect on the stem');
  });

  it('shows the live step box as soon as the closed tool call has a mapped box', () => {
    const callAt = events.findIndex((e) => e.type === 'segment' && e.segment.kind === 'tool_call');
    expect(stepBoxes(reduceAgentEvents(events.slice(0, callAt)))).toEqual([]);
    const live = stepBoxes(reduceAgentEvents(events.slice(0, callAt + 1)));
    expect(live).toEqual([
      {
        pos: 0,
        stepIndex: 0,
        box: sampleCropBoxes(LADYBIRD)[0],
        label: 'red insect on the stem',
        live: true,
      },
    ]);
  });

  it('takes the box from the tool result when the call has none', () => {
    const draft = reduceAgentEvents([
      events[0],
      { type: 'turn_start', turn: 0, promptTokens: 1 },
      {
        type: 'segment',
        turn: 0,
        segment: { kind: 'tool_call', call: { name: 'image_zoom_in_tool', label: 'x' } },
      },
    ]);
    expect(stepBoxes(draft)).toEqual([]);
    const crop = cropInfoFor([0, 0, 40, 40], 'data:,');
    const withResult = reduceAgentEvents(
      [{ type: 'segment', turn: 0, segment: { kind: 'tool_result', crop, bboxOriginal: [0, 0, 40, 40] } }],
      draft,
    );
    expect(stepBoxes(withResult)).toEqual([
      { pos: 0, stepIndex: 0, box: [0, 0, 40, 40], label: 'x', live: true },
    ]);
  });
});

describe('activeStep / visibleBoxes', () => {
  const boxes = stepBoxes(reduceAgentEvents(events));
  it('hover beats selection beats following the live run', () => {
    expect(activeStep(1, 2, true, boxes)).toBe(1);
    expect(activeStep(null, 2, true, boxes)).toBe(2);
    expect(activeStep(null, null, true, boxes)).toBe(2);
    expect(activeStep(null, null, false, boxes)).toBeNull();
  });
  it('hides boxes after the scrubbed step', () => {
    expect(visibleBoxes(boxes, 1).map((b) => b.pos)).toEqual([0, 1]);
    expect(visibleBoxes(boxes, null)).toHaveLength(3);
  });
});
