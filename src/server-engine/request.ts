/**
 * Our messages -> an OpenAI chat-completions request body, in the structure the official DeepEyes
 * evaluation sends to vLLM (eval/eval_vstar.py): the system prompt as a string, the user's
 * content as [image_url, text], each assistant turn as the text it generated (`</tool_call>`
 * included), the tool response as a user turn [text `<tool_response>`, image_url, text suffix,
 * text `</tool_response>`], error turns as user text. The server's Qwen2.5-VL chat template then
 * renders the same bytes as our local path.
 */
import type { Message, MessagePart } from '../base/engine';
import type { RgbImage, Sampling } from '../base/types';
import { IM_END } from '../agent/protocol/prompts';

export const TOOL_CALL_END = '</tool_call>';
/** Generation ends on a closed tool call (we run the tool) or on the end of the message. */
export const STOP_STRINGS: readonly string[] = [TOOL_CALL_END, IM_END];

export type ChatContentPart =
  { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface ChatMessageJson {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatContentPart[];
}

export interface ChatRequestJson {
  model: string;
  messages: ChatMessageJson[];
  max_tokens: number;
  temperature: number;
  top_p?: number;
  seed?: number;
  stop: string[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
}

/** Encodes an image for the wire: a data URL (PNG, lossless: the crop is exactly what we cut). */
export type ImageEncoder = (image: RgbImage) => string;

function part(p: MessagePart, encode: ImageEncoder): ChatContentPart {
  return p.type === 'text'
    ? { type: 'text', text: p.text }
    : { type: 'image_url', image_url: { url: encode(p.image) } };
}

export function toChatMessages(messages: readonly Message[], encode: ImageEncoder): ChatMessageJson[] {
  return messages.map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map((p) => part(p, encode)),
  }));
}

/** Greedy is temperature 0 (vLLM and SGLang then take the argmax); sampling sends its seed. */
export function samplingFields(s: Sampling): Pick<ChatRequestJson, 'temperature' | 'top_p' | 'seed'> {
  if (s.kind === 'greedy') return { temperature: 0 };
  return { temperature: s.temperature, top_p: s.topP, ...(s.seed !== undefined ? { seed: s.seed } : {}) };
}

export function chatRequest(
  model: string,
  messages: ChatMessageJson[],
  opts: { maxNewTokens: number; sampling: Sampling; stream: boolean },
): ChatRequestJson {
  return {
    model,
    messages,
    max_tokens: opts.maxNewTokens,
    ...samplingFields(opts.sampling),
    stop: [...STOP_STRINGS],
    stream: opts.stream,
    ...(opts.stream ? { stream_options: { include_usage: true } } : {}),
  };
}
