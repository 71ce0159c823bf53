/**
 * Streaming view of an assistant turn: feed text deltas as tokens are decoded, get a Segment as
 * soon as a `<think>`, `<tool_call>` or `<answer>` block closes. It applies the same matching as
 * parseAssistantTurn (first think, first tool call, first answer; complete pairs only), so what the
 * UI shows agrees with the action taken at the end of the turn, which parseAssistantTurn decides.
 */
import type { Segment } from '../types';
import { findTagged, unclosedTag, type TagName } from './parse';
import { interpretToolCall, type ToolCallOptions } from './tool-call';

interface Pending {
  end: number;
  segment: Segment;
}

export class TurnSegmenter {
  private text = '';
  private thinkDone = false;
  private toolCallDone = false;
  private answerDone = false;

  constructor(private readonly options: ToolCallOptions) {}

  /** Append a text delta; returns the segments that closed within it, in text order. */
  push(delta: string): Segment[] {
    this.text += delta;
    // Every closing tag ends with '>': nothing can close in a delta without one.
    if (!delta.includes('>')) return [];
    const found: Pending[] = [];
    if (!this.thinkDone) {
      const m = findTagged(this.text, 'think')[0];
      if (m) {
        this.thinkDone = true;
        found.push({ end: m.end, segment: { kind: 'think', text: m.body } });
      }
    }
    if (!this.toolCallDone) {
      const m = findTagged(this.text, 'tool_call')[0];
      if (m) {
        this.toolCallDone = true;
        const result = interpretToolCall(m.body.trim(), this.options);
        found.push({
          end: m.end,
          segment: result.ok
            ? { kind: 'tool_call', call: result.call }
            : { kind: 'error', message: result.message },
        });
      }
    }
    if (!this.answerDone) {
      const m = findTagged(this.text, 'answer')[0];
      if (m) {
        this.answerDone = true;
        found.push({ end: m.end, segment: { kind: 'answer', text: m.body.trim() } });
      }
    }
    return found.sort((a, b) => a.end - b.end).map((p) => p.segment);
  }

  /** Everything fed so far (the raw assistant text). */
  get fullText(): string {
    return this.text;
  }

  /** The block being written now, with its text so far (for live display), if any. */
  get open(): { tag: TagName; partial: string } | undefined {
    const tag = unclosedTag(this.text);
    if (!tag) return undefined;
    const at = this.text.lastIndexOf(`<${tag}>`);
    return { tag, partial: this.text.slice(at + tag.length + 2) };
  }
}
