import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { zoomFrame } from '../tools/crop';
import { latestAssistantOutput, toolResponseChunk } from './chunks';
import { parseAssistantTurn, type ParsedAction, type ParseOptions } from './parse';
import { zoomBoxValidator, ZOOM_INVALID_MESSAGE } from './tool-call';

const golden = GoldenSet.publicSet();
// The golden image is 250x190 (model sees 252x196: not downscaled, boxes are original pixels).
const opts: ParseOptions = { validateBox: zoomBoxValidator(zoomFrame(250, 190)) };

const call = (json: string) => `<think>look</think>\n<tool_call>\n${json}\n</tool_call>`;
const zoom = (args: string) => call(`{"name": "image_zoom_in_tool", "arguments": ${args}}`);
const action = (text: string, o: ParseOptions = opts): ParsedAction => parseAssistantTurn(text, o).action;

function expectError(a: ParsedAction, error: string, message: string | RegExp) {
  expect(a.kind).toBe('tool_error');
  if (a.kind !== 'tool_error') return;
  expect(a.error).toBe(error);
  if (typeof message === 'string') expect(a.message).toBe(message);
  else expect(a.message).toMatch(message);
}

describe('parseAssistantTurn: well-formed turns', () => {
  it('parses the golden tool call', () => {
    const t = parseAssistantTurn(golden.case.assistant_text, opts);
    expect(t.think).toBe('I should look closer.');
    expect(t.thinkClosed).toBe(true);
    expect(t.action).toEqual({
      kind: 'tool_call',
      callText:
        '{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [120, 40, 220, 150], "label": "the sign"}}',
      call: {
        name: 'image_zoom_in_tool',
        label: 'the sign',
        bboxModel: [120, 40, 220, 150],
        bboxOriginal: [120, 40, 220, 150],
      },
    });
    expect(t.extraToolCalls).toEqual([]);
    expect(t.unclosed).toBeUndefined();
  });

  it('an answer ends the episode (trimmed)', () => {
    expect(action('<think>red it is</think>\n<answer> A </answer>')).toEqual({ kind: 'answer', text: 'A' });
  });

  it('answer wins over a tool call in the same turn', () => {
    const t = parseAssistantTurn(zoom('{"bbox_2d": [0, 0, 100, 100]}') + '<answer>B</answer>', opts);
    expect(t.action).toEqual({ kind: 'answer', text: 'B' });
    expect(t.extraToolCalls).toHaveLength(1);
  });

  it('no tool call and no answer: none, the final answer is the whole response', () => {
    const text = '<think>hmm</think> It is red.';
    expect(action(text)).toEqual({ kind: 'none', text });
  });

  it('clamps a box that crosses the border', () => {
    const a = action(zoom('{"bbox_2d": [200, 100, 400, 400]}'));
    expect(a.kind === 'tool_call' && a.call.bboxOriginal).toEqual([200, 100, 250, 190]);
  });

  it('two tool calls in one turn: the first is taken, the rest recorded', () => {
    const second = '{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [0, 0, 50, 50]}}';
    const t = parseAssistantTurn(
      zoom('{"bbox_2d": [10, 10, 100, 100]}') + `\n<tool_call>\n${second}\n</tool_call>`,
      opts,
    );
    expect(t.action.kind === 'tool_call' && t.action.call.bboxModel).toEqual([10, 10, 100, 100]);
    expect(t.extraToolCalls).toEqual([second]);
  });
});

describe('parseAssistantTurn: bad tool calls get the trained error messages', () => {
  it('malformed JSON -> Invalid tool call format: {call_text}. Error: {message}', () => {
    const body = '{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [1, 2, 3, 4]}';
    const a = action(call(body));
    expectError(
      a,
      'bad_json',
      /^Invalid tool call format: \{"name": "image_zoom_in_tool", .*\]\}\. Error: .+/,
    );
    expect(a.kind === 'tool_error' && a.callText).toBe(body);
  });

  it('never evaluates: a Python dict or an expression is a format error', () => {
    expectError(
      action(call("{'name': 'image_zoom_in_tool', 'arguments': {'bbox_2d': [1, 2, 3, 4]}}")),
      'bad_json',
      /^Invalid tool call format/,
    );
    expectError(action(zoom('{"bbox_2d": [1+1, 2, 300, 400]}')), 'bad_json', /^Invalid tool call format/);
  });

  it('unknown tools', () => {
    expectError(
      action(call('{"name": "image_crop_tool", "arguments": {}}')),
      'unknown_tool',
      'Unknown tool name: image_crop_tool',
    );
    // The rotate tool is unknown unless the prompt offered it.
    expectError(
      action(call('{"name": "image_rotate_tool", "arguments": {"angle": 90}}')),
      'unknown_tool',
      'Unknown tool name: image_rotate_tool',
    );
  });

  it('missing keys read as Python KeyErrors', () => {
    expectError(action(zoom('{"label": "x"}')), 'missing_key', "'bbox_2d'");
    expectError(action(call('{"name": "image_zoom_in_tool"}')), 'missing_key', "'arguments'");
    expectError(action(call('{"arguments": {}}')), 'missing_key', "'name'");
    expectError(action(call('[1, 2]')), 'not_an_object', /JSON object/);
  });

  it('NaN / Infinity boxes (Python json accepts them) are invalid boxes, not format errors', () => {
    expectError(action(zoom('{"bbox_2d": [NaN, 10, 100, 100]}')), 'invalid_box', ZOOM_INVALID_MESSAGE);
    expectError(
      action(zoom('{"bbox_2d": [0, 10, Infinity, 100], "label": "NaN"}')),
      'invalid_box',
      ZOOM_INVALID_MESSAGE,
    );
    expectError(action(zoom('{"bbox_2d": [-Infinity, 10, 100, 100]}')), 'invalid_box', ZOOM_INVALID_MESSAGE);
  });

  it('non-numeric or wrongly sized boxes', () => {
    expectError(action(zoom('{"bbox_2d": ["10", 10, 100, 100]}')), 'invalid_box', ZOOM_INVALID_MESSAGE);
    expectError(action(zoom('{"bbox_2d": [10, 10, 100]}')), 'invalid_box', ZOOM_INVALID_MESSAGE);
    expectError(action(zoom('{"bbox_2d": null}')), 'invalid_box', ZOOM_INVALID_MESSAGE);
  });

  it('inverted, out-of-bounds, tiny and absurd-aspect boxes (crop.ts rules)', () => {
    const inverted = action(zoom('{"bbox_2d": [220, 150, 120, 40]}'));
    expectError(inverted, 'invalid_box', ZOOM_INVALID_MESSAGE);
    expect(inverted.kind === 'tool_error' && inverted.call?.bboxModel).toEqual([220, 150, 120, 40]);
    expect(inverted.kind === 'tool_error' && inverted.detail).toMatch(/inverted/);
    expectError(action(zoom('{"bbox_2d": [300, 300, 400, 400]}')), 'invalid_box', ZOOM_INVALID_MESSAGE);
    const tiny = action(zoom('{"bbox_2d": [10, 10, 40, 100]}'));
    expectError(tiny, 'invalid_box', ZOOM_INVALID_MESSAGE);
    expect(tiny.kind === 'tool_error' && tiny.detail).toMatch(/30 px/);
    const wide: ParseOptions = { validateBox: zoomBoxValidator(zoomFrame(8000, 60)) };
    const aspect = action(zoom('{"bbox_2d": [0, 0, 8000, 40]}'), wide);
    expectError(aspect, 'invalid_box', ZOOM_INVALID_MESSAGE);
    expect(aspect.kind === 'tool_error' && aspect.detail).toMatch(/elongated/);
  });

  it('uses an injected validator as given', () => {
    const a = action(zoom('{"bbox_2d": [1, 2, 3, 4]}'), {
      validateBox: () => ({ ok: true, box: [10, 20, 30, 40] }),
    });
    expect(a.kind === 'tool_call' && a.call.bboxOriginal).toEqual([10, 20, 30, 40]);
  });
});

describe('parseAssistantTurn: rotate tool (opt-in)', () => {
  const rot: ParseOptions = { ...opts, rotateTool: true };
  it('accepts a finite angle and rejects others', () => {
    expect(action(call('{"name": "image_rotate_tool", "arguments": {"angle": -90}}'), rot)).toMatchObject({
      kind: 'tool_call',
      call: { name: 'image_rotate_tool', angle: -90 },
    });
    expectError(
      action(call('{"name": "image_rotate_tool", "arguments": {}}'), rot),
      'missing_key',
      "'angle'",
    );
    expectError(
      action(call('{"name": "image_rotate_tool", "arguments": {"angle": "90"}}'), rot),
      'invalid_angle',
      /ROTATE/,
    );
  });
});

describe('only the latest output counts', () => {
  it('ignores the <answer> inside the tool-response text', () => {
    const next = zoom('{"bbox_2d": [20, 20, 120, 120]}');
    const conversation =
      golden.text('turn1_text.txt') + toolResponseChunk(golden.case.assistant_text, 16) + next;
    // The suffix of the tool response holds "<answer>...</answer>": parsing everything would stop here.
    expect(action(conversation)).toEqual({ kind: 'answer', text: '...' });
    const latest = latestAssistantOutput(conversation);
    expect(latest).toBe(next);
    expect(action(latest).kind).toBe('tool_call');
  });
});

describe('a model that never stops (no closing tags)', () => {
  it('unclosed think: none, the partial thought is kept', () => {
    const text = '<think>' + 'and so on, '.repeat(200);
    const t = parseAssistantTurn(text, opts);
    expect(t.action).toEqual({ kind: 'none', text });
    expect(t.thinkClosed).toBe(false);
    expect(t.think).toBe(text.slice('<think>'.length));
    expect(t.unclosed).toBe('think');
  });

  it('unclosed tool call or answer count as absent', () => {
    const open =
      '<think>x</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [1, 2,';
    expect(parseAssistantTurn(open, opts)).toMatchObject({
      action: { kind: 'none', text: open },
      unclosed: 'tool_call',
    });
    const ans = '<think>x</think><answer>B, because';
    expect(parseAssistantTurn(ans, opts)).toMatchObject({
      action: { kind: 'none', text: ans },
      unclosed: 'answer',
    });
  });

  it('repeated <|im_start|> spam without tags is none', () => {
    const text = 'red<|im_start|>assistant\nred<|im_start|>assistant\n';
    expect(parseAssistantTurn(text, opts)).toMatchObject({
      action: { kind: 'none', text },
      thinkClosed: false,
    });
  });
});
