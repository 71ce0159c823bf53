import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../test/support/golden-set';
import { goldenRgb } from '../../test/support/golden-images';
import { loadTestTokenizer } from '../convert/synth/test-tokenizer';
import { ChatTemplate } from '../model/tokenizer/chat-template';
import { ConversationFeed } from '../model/chat/conversation-feed';
import { errorTurn, firstTurn, nextStep, toolResponseTurn, turnAllowance, type Counters } from './kernel';
import { parseAssistantTurn } from './protocol/parse';
import { toolErrorTail } from './protocol/chunks';
import { resizeForModel } from './tools/crop';
import { DEFAULT_SETTINGS } from './types';

const golden = GoldenSet.publicSet();
const { question, options, assistant_text: assistantText } = golden.case;
const parse = (t: string) =>
  parseAssistantTurn(t, { validateBox: (box) => ({ ok: true, box }), rotateTool: false });
const at = (c: Partial<Counters> = {}): Counters => ({ turn: 1, crops: 0, generated: 0, ...c });

describe('kernel: what follows a turn', () => {
  it('finishes on an answer, with the answer', () => {
    const t = '<think>ok</think>\n<answer>B</answer>';
    expect(nextStep(t, parse(t), 'end', at(), DEFAULT_SETTINGS)).toEqual({
      kind: 'finish',
      reason: 'answer',
      answer: 'B',
      action: { kind: 'answer', text: 'B' },
    });
  });

  it('plain text ends the run: no_action, or budget when the turn was cut off', () => {
    expect(nextStep('It is red.', parse('It is red.'), 'end', at(), DEFAULT_SETTINGS)).toMatchObject({
      kind: 'finish',
      reason: 'no_action',
      answer: 'It is red.',
    });
    expect(nextStep('It is', parse('It is'), 'max_tokens', at(), DEFAULT_SETTINGS)).toMatchObject({
      kind: 'finish',
      reason: 'budget',
      action: { kind: 'budget', reason: 'token budget reached' },
    });
  });

  it('a valid call runs the tool until the crop budget is spent', () => {
    expect(
      nextStep(assistantText, parse(assistantText), 'tool_call', at({ crops: 1 }), DEFAULT_SETTINGS),
    ).toEqual({
      kind: 'tool',
      call: expect.objectContaining({ name: 'image_zoom_in_tool', bboxModel: [120, 40, 220, 150] }),
    });
    const spent = nextStep(
      assistantText,
      parse(assistantText),
      'tool_call',
      at({ crops: 6 }),
      DEFAULT_SETTINGS,
    );
    expect(spent).toEqual({
      kind: 'finish',
      reason: 'budget',
      action: { kind: 'budget', reason: 'crop budget of 6 reached' },
    });
  });

  it('an unknown tool gets the trained error turn after the text as generated', () => {
    const t = '<tool_call>\n{"name": "magnify", "arguments": {}}\n</tool_call>';
    const next = nextStep(t, parse(t), 'tool_call', at(), DEFAULT_SETTINGS);
    expect(next.kind).toBe('error_turn');
    if (next.kind !== 'error_turn') return;
    expect(next.action.message).toBe('Unknown tool name: magnify');
    expect(next.append).toEqual([
      { role: 'assistant', content: t },
      { role: 'user', content: 'Error: Unknown tool name: magnify' },
    ]);
  });

  it('bounds the turns and the run tokens before a turn starts', () => {
    const s = { ...DEFAULT_SETTINGS, maxCrops: 2, maxTokensPerTurn: 100, maxTotalTokens: 250 };
    expect(turnAllowance(at({ turn: 0 }), s)).toBe(100);
    expect(turnAllowance(at({ generated: 200 }), s)).toBe(50);
    expect(turnAllowance(at({ generated: 250 }), s)).toBeNull();
    expect(turnAllowance(at({ turn: 6 }), s)).toBe(100); // maxCrops + 4 extra turns
    expect(turnAllowance(at({ turn: 7 }), s)).toBeNull();
  });
});

describe("kernel messages through the local engine's feed (golden ids)", () => {
  const tok = loadTestTokenizer();
  const image = goldenRgb(golden, 'image1_uint8_hwc');
  const crop = resizeForModel(goldenRgb(golden, 'crop_uint8_hwc'));
  const turn1Ids = golden.i64('turn1_input_ids').data;
  const assistantIds = tok.encode(assistantText);

  it('turn 1 = the golden 441 ids; turn 2 = [unfed </tool_call>] + the golden chunk tail', () => {
    const feed = new ConversationFeed(tok, ChatTemplate.stock(), 151645);
    const first = feed.next(firstTurn({ question, options }, image), {});
    expect(first.ids).toEqual(turn1Ids);
    expect(first.images.map((i) => i.numImageTokens)).toEqual([63]);

    feed.generated(assistantIds, assistantText);
    const second = feed.next(toolResponseTurn(assistantText, crop), {});
    // The generated ids but the last are in the cache already: the chunk starts with the last.
    const goldenChunk = golden.i64('turn2_chunk_input_ids').data;
    expect(second.restart).toBe(false);
    expect(second.ids).toEqual(goldenChunk.slice(assistantIds.length - 1));
    expect(second.images.map((i) => i.numImageTokens)).toEqual([16]);
  });

  it('an error turn after <|im_end|> feeds only the tail (its <|im_end|> stands for the generated one)', () => {
    const feed = new ConversationFeed(tok, ChatTemplate.stock(), 151645);
    feed.next(firstTurn({ question, options }, image), {});
    feed.generated([...tok.encode('no'), 151645], 'no');
    const next = feed.next(errorTurn('no', 'X'), {});
    expect(next).toMatchObject({ restart: false, ids: tok.encode(toolErrorTail('X')) });
  });

  it('an assistant message that differs from what was generated renders the conversation again', () => {
    const feed = new ConversationFeed(tok, ChatTemplate.stock(), 151645);
    feed.next(firstTurn({ question, options }, image), {});
    feed.generated(assistantIds, assistantText);
    const edited = assistantText.replace('closer', 'again');
    const next = feed.next(toolResponseTurn(edited, crop), {});
    expect(next.restart).toBe(true);
    expect(next.ids.slice(0, turn1Ids.length)).toEqual(turn1Ids);
    expect(next.ids.slice(turn1Ids.length)).toEqual(goldenChunkWith(edited));
    expect(next.images.map((i) => i.numImageTokens)).toEqual([63, 16]);
  });

  function goldenChunkWith(text: string): number[] {
    const expanded = golden.text('turn2_chunk_text_expanded.txt').replace(assistantText, text);
    return tok.encode(expanded);
  }
});
