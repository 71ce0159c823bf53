import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { ChatTemplate } from '../../model/tokenizer/chat-template';
import { loadTestTokenizer } from '../../convert/synth/test-tokenizer';
import {
  invalidFormatMessage,
  latestAssistantOutput,
  toolErrorChunk,
  toolErrorTail,
  toolResponseChunk,
  toolResponseMessages,
  toolErrorMessages,
  toolResponseTail,
} from './chunks';
import { renderTurn1, turn1Messages } from './prompts';

const golden = GoldenSet.publicSet();
const { question, options, assistant_text: assistantText } = golden.case;
const stock = ChatTemplate.stock();

describe('toolResponseChunk', () => {
  it('is exactly the golden turn2_chunk_text (1 pad and 16 pads)', () => {
    expect(toolResponseChunk(assistantText, 1)).toBe(golden.text('turn2_chunk_text.txt'));
    expect(toolResponseChunk(assistantText, 16)).toBe(golden.text('turn2_chunk_text_expanded.txt'));
  });

  it('tokenizes to the golden 136 chunk ids, also as generated ids + tail ids', () => {
    const tok = loadTestTokenizer();
    const ids = golden.i64('turn2_chunk_input_ids').data;
    expect(tok.encode(toolResponseChunk(assistantText, 16))).toEqual(ids);
    expect([...tok.encode(assistantText), ...tok.encode(toolResponseTail(16))]).toEqual(ids);
    expect(ids.length).toBe(136);
  });

  it('equals the template rendering of the whole conversation minus the turn-1 text', () => {
    const turn1 = renderTurn1(stock, { question, options });
    const whole = stock.render([
      ...turn1Messages({ question, options }),
      ...toolResponseMessages(assistantText),
    ]);
    expect(whole.startsWith(turn1)).toBe(true);
    expect(whole.slice(turn1.length)).toBe(toolResponseChunk(assistantText, 1));
  });

  it('rejects a pad count below 1', () => {
    expect(() => toolResponseTail(0)).toThrow(RangeError);
  });
});

describe('error turns', () => {
  it('plain error turn: "Error: {message}" as a user turn, like the template would render it', () => {
    const msg = 'ZOOM IN ARGUMENTS ARE INVALID';
    expect(toolErrorTail(msg)).toBe(
      '<|im_end|>\n<|im_start|>user\nError: ZOOM IN ARGUMENTS ARE INVALID<|im_end|>\n<|im_start|>assistant\n',
    );
    const turn1 = renderTurn1(stock, { question, options });
    const whole = stock.render([
      ...turn1Messages({ question, options }),
      ...toolErrorMessages(assistantText, msg),
    ]);
    expect(whole.slice(turn1.length)).toBe(toolErrorChunk(assistantText, msg));
  });

  it('format error turn carries the call text and the parser message', () => {
    const m = invalidFormatMessage('{"name": 1', 'Unexpected end of JSON input');
    expect(m).toBe('Invalid tool call format: {"name": 1. Error: Unexpected end of JSON input');
    expect(toolErrorChunk('<tool_call>\n{"name": 1\n</tool_call>', m)).toBe(
      '<tool_call>\n{"name": 1\n</tool_call><|im_end|>\n<|im_start|>user\nError: Invalid tool call format: ' +
        '{"name": 1. Error: Unexpected end of JSON input<|im_end|>\n<|im_start|>assistant\n',
    );
  });
});

describe('latestAssistantOutput', () => {
  it('returns only the text after the last assistant header', () => {
    const conv =
      golden.text('turn1_text.txt') + toolResponseChunk(assistantText, 1) + '<answer>B</answer><|im_end|>';
    expect(latestAssistantOutput(conv)).toBe('<answer>B</answer>');
    expect(latestAssistantOutput(golden.text('turn1_text.txt') + assistantText)).toBe(assistantText);
    expect(latestAssistantOutput('no header')).toBe('no header');
  });
});
