/**
 * The engine contract, at the level of a turn: the agent appends messages (text and images) to a
 * conversation and asks for the next assistant turn, streamed, until a stop. Tokenizing, the chat
 * template, image preprocessing and caching live behind it. Implemented by the local ONNX engine
 * (src/model: incremental KV cache, only the new chunk prefilled), by the chat-server engine
 * (OpenAI chat completions: vLLM, SGLang, our `serve`; the conversation is resent each turn) and
 * by the scripted test engine.
 */
import type { RgbImage, Sampling } from './types';

/**
 * One part of a message. Images are final: the engine applies the model's own processor
 * (smart_resize, patches) and nothing else, so the agent resizes a zoom crop the way DeepEyes does
 * before it sends it.
 */
export type MessagePart = { type: 'text'; text: string } | { type: 'image'; image: RgbImage };

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string | MessagePart[];
}

/** How the engine's processor bounds an image (preprocessor_config.json's min/max pixels). */
export interface ImageLimits {
  minPixels?: number;
  maxPixels?: number;
}

export interface TurnOptions {
  /** New tokens allowed in this turn. */
  maxNewTokens: number;
  sampling: Sampling;
  signal?: AbortSignal;
  /**
   * The decoded text as it streams (deltas, in order; their concatenation is the turn's text), with
   * what it stands for: a token engine passes each token's id (the delta may be empty while a
   * character is incomplete) and `-1` for text left at the end that is no new token; a chat-server
   * engine passes no id, each call being one streamed chunk (one token as vLLM and SGLang stream).
   */
  onText?: (delta: string, tokenId?: number) => void;
  /**
   * Called before the prefill with the number of tokens the engine feeds for the appended messages
   * (an engine that cannot know them before the turn need not call it).
   */
  onPrompt?: (promptTokens: number) => void;
}

/**
 * Why generation stopped: the model closed a tool call (`</tool_call>`), ended its message
 * (`<|im_end|>`), or reached maxNewTokens.
 */
export type TurnStop = 'tool_call' | 'end' | 'max_tokens';

export interface TurnTimings {
  /** From the start of the turn's prefill to its first new token. */
  ttftMs: number;
  prefillMs: number;
  prefillTokens: number;
  decodeMs: number;
  decodeTokens: number;
  /** Vision encoder time for the image(s) of this turn's chunk. */
  visionMs: number;
}

export interface TurnResult {
  /** The assistant's text, special tokens dropped; ends with `</tool_call>` when it stopped on one. */
  text: string;
  stop: TurnStop;
  /** Tokens the engine fed for the appended messages (its prefill for this turn). */
  promptTokens: number;
  generatedTokens: number;
  timings: TurnTimings;
}

export interface TurnEngine {
  readonly modelId: string;
  /** Where it runs, for the trace and the status bar ('webgpu/q4', 'cpu/fp32', 'server/vllm'). */
  readonly backend: string;
  /** The boxes the model writes are in pixels of the image after these limits. */
  readonly imageLimits: ImageLimits;
  /** Starts a new conversation; the next turn's messages begin with the system message. */
  reset(): void;
  /**
   * Appends messages to the conversation and generates the next assistant turn. After the first
   * turn, `append` starts with the previous assistant turn exactly as this engine returned it
   * (`{ role: 'assistant', content: result.text }`), then the tool or error turn.
   */
  turn(append: readonly Message[], opts: TurnOptions): Promise<TurnResult>;
}
