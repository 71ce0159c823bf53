/**
 * What the model's latest assistant turn asks for. Pass ONLY the latest output (see
 * latestAssistantOutput): earlier tool responses contain `<answer>...</answer>` in the suffix.
 *
 * Rules (spec: deepeyes-protocol.md, "What the model writes"):
 * - a complete `<answer>…</answer>` ends the episode, even next to a tool call (answer wins);
 * - else the first complete `<tool_call>…</tool_call>` is the action; later ones are recorded and
 *   ignored (one crop per turn; with the `</tool_call>` stop there is never a second one);
 * - else 'none': the episode ends and the final answer is the whole response.
 * An unclosed tag counts as absent (as in the training env's regexes); `unclosed` says which one
 * was left open, e.g. when a turn ran out of tokens.
 */
import type { ToolCallInfo } from '../types';
import { interpretToolCall, type ToolCallOptions, type ToolErrorKind } from './tool-call';

export type ParsedAction =
  | { kind: 'answer'; text: string }
  | {
      kind: 'tool_call';
      call: ToolCallInfo;
      /** The JSON as written (trimmed), for the trace. */
      callText: string;
    }
  | {
      kind: 'tool_error';
      error: ToolErrorKind;
      /** Goes after `Error: ` in the error turn (toolErrorChunk). */
      message: string;
      callText: string;
      detail?: string;
      call?: ToolCallInfo;
    }
  | { kind: 'none'; text: string };

export type TagName = 'think' | 'tool_call' | 'answer';

export interface ParsedTurn {
  /** Text inside the first `<think>…</think>`; after an unclosed `<think>`, the rest of the text. */
  think?: string;
  thinkClosed: boolean;
  action: ParsedAction;
  /** Bodies (trimmed) of the tool calls not acted on: those after the first, or all when an answer won. */
  extraToolCalls: string[];
  /** The tag left open at the end of the text, if any (the model did not stop, or hit a limit). */
  unclosed?: TagName;
}

export type ParseOptions = ToolCallOptions;

export interface TagMatch {
  /** Index of the opening tag. */
  start: number;
  /** Index just after the closing tag. */
  end: number;
  body: string;
}

const TAG_RE: Record<TagName, RegExp> = {
  think: /<think>([\s\S]*?)<\/think>/g,
  tool_call: /<tool_call>([\s\S]*?)<\/tool_call>/g,
  answer: /<answer>([\s\S]*?)<\/answer>/g,
};

/** Complete `<tag>…</tag>` pairs in order (non-greedy, like the training env's re.findall). */
export function findTagged(text: string, tag: TagName, from = 0): TagMatch[] {
  const re = new RegExp(TAG_RE[tag].source, 'g');
  re.lastIndex = from;
  const out: TagMatch[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, body: m[1] });
  }
  return out;
}

/** The tag whose last opening has no closing after it, the latest such one. */
export function unclosedTag(text: string): TagName | undefined {
  let best: { tag: TagName; at: number } | undefined;
  for (const tag of ['think', 'tool_call', 'answer'] as const) {
    const open = text.lastIndexOf(`<${tag}>`);
    if (open < 0) continue;
    if (text.indexOf(`</${tag}>`, open) >= 0) continue;
    if (!best || open > best.at) best = { tag, at: open };
  }
  return best?.tag;
}

export function parseAssistantTurn(text: string, options: ParseOptions): ParsedTurn {
  const unclosed = unclosedTag(text);
  const thinks = findTagged(text, 'think');
  let think: string | undefined;
  let thinkClosed = false;
  if (thinks.length > 0) {
    think = thinks[0].body;
    thinkClosed = true;
  } else {
    const open = text.indexOf('<think>');
    if (open >= 0) think = text.slice(open + '<think>'.length);
  }
  const base = { thinkClosed, ...(think !== undefined ? { think } : {}), ...(unclosed ? { unclosed } : {}) };

  const calls = findTagged(text, 'tool_call');
  const extraToolCalls = calls.slice(1).map((c) => c.body.trim());
  const answers = findTagged(text, 'answer');
  if (answers.length > 0) {
    // The official eval takes the first answer and strips it.
    return {
      ...base,
      action: { kind: 'answer', text: answers[0].body.trim() },
      extraToolCalls: calls.map((c) => c.body.trim()),
    };
  }
  if (calls.length === 0) return { ...base, action: { kind: 'none', text }, extraToolCalls };

  const callText = calls[0].body.trim();
  const result = interpretToolCall(callText, options);
  if (result.ok) {
    return {
      ...base,
      action: { kind: 'tool_call', call: result.call, callText },
      extraToolCalls,
    };
  }
  const { error, message, detail, call } = result;
  return {
    ...base,
    action: {
      kind: 'tool_error',
      error,
      message,
      callText,
      ...(detail !== undefined ? { detail } : {}),
      ...(call ? { call } : {}),
    },
    extraToolCalls,
  };
}
