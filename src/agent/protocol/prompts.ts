/**
 * The DeepEyes prompt bytes (spec: deepeyes-protocol.md) and the turn-1 rendering.
 * deepeyes-prompts.json is a byte-for-byte copy of the spec's file (docs/spec/deepeyes-protocol.md;
 * sha256 tested): the trained strings must never be retyped.
 */
import prompts from './deepeyes-prompts.json';
import type { ChatMessage, ChatTemplate } from '../../model/tokenizer/chat-template';
import {
  IMAGE_PAD,
  IM_END,
  IM_START,
  PromptInputError,
  expandImagePads,
} from '../../model/tokenizer/image-pads';

/** System prompt the released DeepEyes was trained with (1166 chars). */
export const DEEPEYES_SYSTEM_PROMPT: string = prompts.system_prompt;
/** Appended to the question and to every tool response (174 chars, starts with "\n", ends with " "). */
export const DEEPEYES_USER_SUFFIX: string = prompts.user_prompt_suffix;

export const VISION_START = '<|vision_start|>';
export const VISION_END = '<|vision_end|>';
export { IMAGE_PAD, IM_START, IM_END, PromptInputError, expandImagePads };

export const ZOOM_TOOL_NAME = 'image_zoom_in_tool';
export const ROTATE_TOOL_NAME = 'image_rotate_tool';

/**
 * The optional rotate tool, in the same one-line JSON style as the zoom tool. Our wording: the
 * released model never saw this tool in training, and the description says so (zero-shot).
 * `angle` follows PIL's Image.rotate: degrees, counter-clockwise.
 */
export const ROTATE_TOOL_JSON = JSON.stringify({
  type: 'function',
  function: {
    name: ROTATE_TOOL_NAME,
    description:
      'Rotate the image by an angle in degrees, counter-clockwise, for example to read sideways or upside-down ' +
      'text. You were not trained with this tool; it is offered zero-shot, so use it only when the image is ' +
      'clearly rotated.',
    parameters: {
      type: 'object',
      properties: {
        angle: { type: 'number', description: 'Rotation angle in degrees, counter-clockwise.' },
      },
      required: ['angle'],
    },
  },
});

const ZOOM_TOOL_LINE_START = '{"type":"function","function":{"name":"image_zoom_in_tool"';

export interface PromptOptions {
  /** Offer image_rotate_tool (untrained, zero-shot). The default prompt is untouched when false. */
  rotateTool?: boolean;
}

/** The system prompt: the trained one, or the trained one with the rotate tool added after the zoom tool. */
export function systemPrompt(options: PromptOptions = {}): string {
  if (!options.rotateTool) return DEEPEYES_SYSTEM_PROMPT;
  const start = DEEPEYES_SYSTEM_PROMPT.indexOf(ZOOM_TOOL_LINE_START);
  const lineEnd = DEEPEYES_SYSTEM_PROMPT.indexOf('\n', start);
  if (start < 0 || lineEnd < 0)
    throw new PromptInputError('the zoom tool line is missing from the system prompt');
  return (
    DEEPEYES_SYSTEM_PROMPT.slice(0, lineEnd + 1) +
    ROTATE_TOOL_JSON +
    '\n' +
    DEEPEYES_SYSTEM_PROMPT.slice(lineEnd + 1)
  );
}

const MAX_OPTIONS = 26;

/**
 * The user text before the suffix, as the official evals build it:
 * multiple choice `Question: {q}\nOptions: \nA. {a}\nB. {b}\n\n`, free `Question: {q}\n`.
 */
export function questionText(question: string, options?: readonly string[]): string {
  if (!options || options.length === 0) return `Question: ${question}\n`;
  if (options.length > MAX_OPTIONS) {
    throw new PromptInputError(
      `${options.length} options given; at most ${MAX_OPTIONS} (A-Z) can be lettered`,
    );
  }
  const lettered = options.map((o, i) => `${String.fromCharCode(65 + i)}. ${o}\n`).join('');
  return `Question: ${question}\nOptions: \n${lettered}\n`;
}

/** The full user text of turn 1 (question text + the trained suffix). */
export function userText(question: string, options?: readonly string[]): string {
  return questionText(question, options) + DEEPEYES_USER_SUFFIX;
}

export interface Turn1Input extends PromptOptions {
  question: string;
  options?: readonly string[];
}

/** Turn-1 messages: the system prompt, then one user message with the image BEFORE the text. */
export function turn1Messages(input: Turn1Input): ChatMessage[] {
  return [
    { role: 'system', content: systemPrompt(input) },
    {
      role: 'user',
      content: [{ type: 'image' }, { type: 'text', text: userText(input.question, input.options) }],
    },
  ];
}

/** Turn-1 text through the chat template, with one `<|image_pad|>` (unexpanded). */
export function renderTurn1(template: ChatTemplate, input: Turn1Input): string {
  return template.render(turn1Messages(input), { addGenerationPrompt: true });
}

/** Turn-1 text with the image's pads expanded: what gets tokenized and prefilled. */
export function turn1Text(template: ChatTemplate, input: Turn1Input, imageTokens: number): string {
  return expandImagePads(renderTurn1(template, input), [imageTokens]);
}
