import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../agent/types';
import {
  buildSampleTrace,
  cropInfoFor,
  LADYBIRD,
  sampleCropBoxes,
  sampleImageInfo,
} from '../samples/sample-trace';
import { ReplayPort } from './replay-port';

const trace = buildSampleTrace(
  LADYBIRD,
  sampleImageInfo(LADYBIRD, 'data:,', ''),
  sampleCropBoxes(LADYBIRD).map((b) => cropInfoFor(b, 'data:,')),
);
const request = {
  image: { width: 1, height: 1, data: new Uint8Array(3) },
  question: 'q',
  settings: trace.settings,
};
const fast = { tokenMs: 0, maxTurnPauseMs: 1, resultPauseMs: 1 };

describe('ReplayPort', () => {
  it('plays the trace as agent events and resolves with it', async () => {
    const port = new ReplayPort(fast);
    port.setTrace(trace);
    const seen: AgentEvent[] = [];
    port.subscribe((e) => e.kind === 'agent' && seen.push(e.event));
    expect(await port.run(request)).toBe(trace);
    expect(seen[0].type).toBe('run_start');
    expect(seen.filter((e) => e.type === 'turn_end')).toHaveLength(4);
  });

  it('stops with a cancelled run_end', async () => {
    const port = new ReplayPort(fast);
    port.setTrace(trace);
    const seen: AgentEvent[] = [];
    port.subscribe((e) => {
      if (e.kind !== 'agent') return;
      seen.push(e.event);
      if (e.event.type === 'turn_end' && e.event.turn === 0) port.stop();
    });
    const result = await port.run(request);
    expect(result.endReason).toBe('cancelled');
    expect(result.steps).toHaveLength(1);
    expect(seen.at(-1)).toMatchObject({ type: 'run_end', trace: { endReason: 'cancelled' } });
  });

  it('refuses to run with nothing to replay, and cannot load models', async () => {
    const port = new ReplayPort(fast);
    await expect(port.run(request)).rejects.toMatchObject({ code: 'no_trace' });
    await expect(port.loadModel()).rejects.toMatchObject({ code: 'no_engine', retryable: false });
  });
});
