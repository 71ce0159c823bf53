/**
 * The DeepEyes iMCoT policy as a pure function: given the parsed assistant turn, how it stopped, the
 * run's counters and settings, what happens next — finish (with why), answer with an error turn, or
 * run a tool. No engine, no images: the executor (executor.ts) does the I/O.
 *
 *   turn ─► parse ─┬─ <answer>                  ─► finish 'answer'
 *                  ├─ text only                 ─► finish 'no_action' ('budget' if cut off)
 *                  ├─ bad call                  ─► error turn (assistant text + `Error: …`)
 *                  ├─ call, crop budget spent   ─► finish 'budget'
 *                  └─ call                      ─► tool (crop/rotate the ORIGINAL) ─► tool-response turn
 */
import type { Message, MessagePart, TurnStop } from '../base/engine';
import type { RgbImage } from '../base/types';
import type { ChatMessage } from '../model/tokenizer/chat-template';
import type { ParsedTurn } from './protocol/parse';
import { toolErrorMessages, toolResponseMessages } from './protocol/chunks';
import { turn1Messages, type Turn1Input } from './protocol/prompts';
import type { AgentSettings, EndReason, StepAction, ToolCallInfo } from './types';

/** Error turns and rotations also take turns: bound them so a confused model cannot loop forever. */
export const EXTRA_TURNS = 4;

export interface Counters {
  /** Index of the next turn. */
  turn: number;
  /** Tool calls run so far (zoom crops and rotations). */
  crops: number;
  /** Tokens generated in the run so far. */
  generated: number;
}

export type NextStep =
  | { kind: 'finish'; reason: EndReason; answer?: string; action: StepAction }
  | {
      kind: 'error_turn';
      action: Extract<StepAction, { kind: 'tool_error' }>;
      append: Message[];
    }
  | { kind: 'tool'; call: ToolCallInfo };

/** New tokens the next turn may write, or null when a budget already ends the run. */
export function turnAllowance(c: Counters, settings: AgentSettings): number | null {
  if (c.turn > settings.maxCrops + EXTRA_TURNS) return null;
  const left = settings.maxTotalTokens - c.generated;
  if (left <= 0) return null;
  return Math.min(settings.maxTokensPerTurn, left);
}

/** What follows an assistant turn. */
export function nextStep(
  text: string,
  parsed: ParsedTurn,
  stop: TurnStop,
  c: Counters,
  settings: AgentSettings,
): NextStep {
  const act = parsed.action;
  switch (act.kind) {
    case 'answer':
      return {
        kind: 'finish',
        reason: 'answer',
        answer: act.text,
        action: { kind: 'answer', text: act.text },
      };
    case 'none':
      return stop === 'max_tokens'
        ? {
            kind: 'finish',
            reason: 'budget',
            answer: act.text,
            action: { kind: 'budget', reason: 'token budget reached' },
          }
        : { kind: 'finish', reason: 'no_action', answer: act.text, action: { kind: 'none', text: act.text } };
    case 'tool_error':
      return {
        kind: 'error_turn',
        action: {
          kind: 'tool_error',
          ...(act.call ? { call: act.call } : {}),
          message: act.message,
          callText: act.callText,
        },
        append: errorTurn(text, act.message),
      };
    case 'tool_call':
      if (c.crops >= settings.maxCrops) {
        return {
          kind: 'finish',
          reason: 'budget',
          action: { kind: 'budget', reason: `crop budget of ${settings.maxCrops} reached` },
        };
      }
      return { kind: 'tool', call: act.call };
  }
}

/** Template messages with their image placeholders filled, in order. */
function withImages(messages: ChatMessage[], images: readonly RgbImage[]): Message[] {
  let next = 0;
  return messages.map((m) => {
    if (typeof m.content === 'string') return { role: m.role, content: m.content };
    const content = m.content.map((p): MessagePart => {
      if (p.type === 'text') return p;
      const image = images[next++];
      if (!image) throw new RangeError('more image slots than images');
      return { type: 'image', image };
    });
    return { role: m.role, content };
  });
}

/** Turn 1: the system prompt, then the user's image and question. */
export function firstTurn(input: Turn1Input, image: RgbImage): Message[] {
  return withImages(turn1Messages(input), [image]);
}

/** After a successful tool call: the assistant turn as generated, then the tool response with the image. */
export function toolResponseTurn(assistantText: string, image: RgbImage): Message[] {
  return withImages(toolResponseMessages(assistantText), [image]);
}

/** After a call that failed: the assistant turn as generated, then `Error: {message}`. */
export function errorTurn(assistantText: string, message: string): Message[] {
  return withImages(toolErrorMessages(assistantText, message), []);
}
