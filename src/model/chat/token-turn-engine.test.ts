import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { goldenRgb } from '../../../test/support/golden-images';
import { ScriptedEngine, scriptToIds } from '../../../test/support/scripted-engine';
import { loadTestTokenizer } from '../../convert/synth/test-tokenizer';
import { ChatTemplate } from '../tokenizer/chat-template';
import { firstTurn, toolResponseTurn } from '../../agent/kernel';
import { resizeForModel } from '../../agent/tools/crop';

const golden = GoldenSet.publicSet();
const { question, options, assistant_text: assistantText } = golden.case;
const tok = loadTestTokenizer();
const image = goldenRgb(golden, 'image1_uint8_hwc');
const crop = resizeForModel(goldenRgb(golden, 'crop_uint8_hwc'));
const turn1Ids = golden.i64('turn1_input_ids').data;
const greedy = { maxNewTokens: 100, sampling: { kind: 'greedy' as const } };

describe('TokenTurnEngine.turn', () => {
  it('announces the prompt before streaming, streams per token, stops on </tool_call>', async () => {
    const engine = new ScriptedEngine(tok, ChatTemplate.stock(), scriptToIds(tok, [assistantText]));
    engine.reset();
    const seen: string[] = [];
    const ids: number[] = [];
    let text = '';
    const r = await engine.turn(firstTurn({ question, options }, image), {
      ...greedy,
      onPrompt: (n) => seen.push(`prompt ${n}`),
      onText: (delta, id) => {
        if (seen.length === 1) seen.push('text');
        text += delta;
        if (id !== undefined) ids.push(id);
      },
    });
    expect(seen).toEqual([`prompt ${turn1Ids.length}`, 'text']);
    expect(text).toBe(assistantText);
    expect(ids).toEqual(tok.encode(assistantText));
    expect(r).toMatchObject({
      text: assistantText,
      stop: 'tool_call',
      promptTokens: 441,
      generatedTokens: ids.length,
    });
    expect(r.timings.decodeTokens).toBe(ids.length - 1);
  });

  it('stops at maxNewTokens, and re-renders the whole conversation for an edited assistant turn', async () => {
    const engine = new ScriptedEngine(tok, ChatTemplate.stock(), scriptToIds(tok, [assistantText, 'x y z']));
    engine.reset();
    await engine.turn(firstTurn({ question, options }, image), greedy);
    const edited = assistantText.replace('closer', 'again');
    const r = await engine.turn(toolResponseTurn(edited, crop), { ...greedy, maxNewTokens: 2 });
    expect(r.stop).toBe('max_tokens');
    expect(r.generatedTokens).toBe(2);
    const [, again] = engine.prefills;
    expect(again.images).toBe(2);
    expect(again.ids.slice(0, turn1Ids.length)).toEqual(turn1Ids);
    expect(again.ids.length).toBeGreaterThan(turn1Ids.length + tok.encode(edited).length);
  });
});
