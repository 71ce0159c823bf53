/**
 * The text appended after each assistant turn that called a tool (spec: deepeyes-protocol.md,
 * "The tool-response turn"). A chunk is prefilled on top of the KV cache; it is never rendered
 * again from the whole conversation. The golden turn2_chunk_text equals the template rendering
 * of the whole conversation minus the turn-1 text (tested).
 *
 * Each chunk = the assistant text + a tail. The tail starts with <|im_end|>, a special token, so
 * tokenizing it alone gives the same ids as tokenizing the whole chunk: an engine that already
 * holds the generated ids feeds those and then the tail's ids.
 */
import { DEEPEYES_USER_SUFFIX, IMAGE_PAD, IM_END, IM_START, VISION_END, VISION_START } from './prompts';
import type { ChatMessage } from '../../model/tokenizer/chat-template';

const NEXT_ASSISTANT = `${IM_END}\n${IM_START}assistant\n`;

/** Tail after a successful tool call: the crop as `numPads` image tokens, then the suffix again. */
export function toolResponseTail(numPads: number): string {
  if (!Number.isInteger(numPads) || numPads < 1)
    throw new RangeError(`numPads must be an integer >= 1, got ${numPads}`);
  return (
    `${IM_END}\n${IM_START}user\n<tool_response>${VISION_START}${IMAGE_PAD.repeat(numPads)}${VISION_END}` +
    `${DEEPEYES_USER_SUFFIX}</tool_response>${NEXT_ASSISTANT}`
  );
}

export function toolResponseChunk(assistantText: string, numPads: number): string {
  return assistantText + toolResponseTail(numPads);
}

/** `Error: {message}` turn (unknown tool, missing bbox_2d, `ZOOM IN ARGUMENTS ARE INVALID`, …). */
export function toolErrorTail(message: string): string {
  return `${IM_END}\n${IM_START}user\nError: ${message}${NEXT_ASSISTANT}`;
}

export function toolErrorChunk(assistantText: string, message: string): string {
  return assistantText + toolErrorTail(message);
}

/** The message of the error turn for a tool call whose JSON does not parse (training env wording). */
export function invalidFormatMessage(callText: string, parserMessage: string): string {
  return `Invalid tool call format: ${callText}. Error: ${parserMessage}`;
}

/** The two messages a successful tool call adds to the conversation, as the chat template sees them. */
export function toolResponseMessages(assistantText: string): ChatMessage[] {
  return [
    { role: 'assistant', content: assistantText },
    {
      role: 'user',
      content: [
        { type: 'text', text: '<tool_response>' },
        { type: 'image' },
        { type: 'text', text: DEEPEYES_USER_SUFFIX },
        { type: 'text', text: '</tool_response>' },
      ],
    },
  ];
}

/** The two messages an error turn adds to the conversation, as the chat template sees them. */
export function toolErrorMessages(assistantText: string, message: string): ChatMessage[] {
  return [
    { role: 'assistant', content: assistantText },
    { role: 'user', content: `Error: ${message}` },
  ];
}

/**
 * The latest assistant output in a rendered conversation: the text after the last
 * `<|im_start|>assistant\n`, without a trailing `<|im_end|>`. Only this is parsed: the tool
 * response itself contains `<answer>...</answer>` (in the suffix).
 */
export function latestAssistantOutput(conversation: string): string {
  const header = `${IM_START}assistant\n`;
  const at = conversation.lastIndexOf(header);
  let out = at < 0 ? conversation : conversation.slice(at + header.length);
  const end = out.indexOf(IM_END);
  if (end >= 0) out = out.slice(0, end);
  return out;
}
