/**
 * Text <-> token ids for Qwen2.5-VL / DeepEyes, over @huggingface/tokenizers.
 * Browser and Node: takes the parsed tokenizer.json (+ tokenizer_config.json) objects,
 * never reads files itself.
 */
import { DeepEyesError } from '../../base/errors';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { StreamDetokenizer } from './stream-detokenizer';

export class TokenizerLoadError extends DeepEyesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      'tokenizer_load',
      `${message}. Check that the model folder has a Hugging Face tokenizer.json (fast-tokenizer format).`,
      { cause: options?.cause },
    );
    this.name = 'TokenizerLoadError';
  }
}

export class TokenizerInputError extends DeepEyesError {
  constructor(message: string) {
    super('tokenizer_input', message);
    this.name = 'TokenizerInputError';
  }
}

export interface DecodeOptions {
  /** Drop special tokens (<|im_end|>, <|image_pad|>, …); added non-special ones like <tool_call> stay. */
  skipSpecial?: boolean;
}

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class Tokenizer {
  private readonly hf: HfTokenizer;
  private readonly addedById = new Map<number, AddedTokenJson>();
  private readonly vocabSizeValue: number;

  /**
   * @param tokenizerJson parsed tokenizer.json
   * @param tokenizerConfig parsed tokenizer_config.json; only decoding flags are read from it.
   */
  constructor(tokenizerJson: unknown, tokenizerConfig: unknown = {}) {
    if (
      !isRecord(tokenizerJson) ||
      !isRecord(tokenizerJson.model) ||
      !Array.isArray(tokenizerJson.added_tokens)
    ) {
      throw new TokenizerLoadError('tokenizer.json must be an object with "model" and "added_tokens"');
    }
    const config = isRecord(tokenizerConfig) ? { ...tokenizerConfig } : {};
    // Qwen2's tokenizer_config says false; the library defaults to true, which would rewrite " ." as "."
    // in the model's output. Without a config, keep the text as generated.
    if (config.clean_up_tokenization_spaces === undefined) config.clean_up_tokenization_spaces = false;
    try {
      this.hf = new HfTokenizer(tokenizerJson, config);
    } catch (err) {
      throw new TokenizerLoadError(`@huggingface/tokenizers refused tokenizer.json: ${String(err)}`, {
        cause: err,
      });
    }
    let maxId = -1;
    for (const t of tokenizerJson.added_tokens as AddedTokenJson[]) {
      this.addedById.set(t.id, t);
      maxId = Math.max(maxId, t.id);
    }
    const vocab = tokenizerJson.model.vocab;
    const baseSize = isRecord(vocab) ? Object.keys(vocab).length : Array.isArray(vocab) ? vocab.length : 0;
    this.vocabSizeValue = Math.max(baseSize, maxId + 1);
  }

  /** Number of ids the tokenizer knows (base vocabulary + added tokens); the model's vocab may be larger. */
  get vocabSize(): number {
    return this.vocabSizeValue;
  }

  /**
   * Ids of `text` with no BOS/prefix: chat formatting comes from the chat template, so the text
   * already holds every special token. Special tokens written in the text become their ids.
   */
  encode(text: string): number[] {
    return this.hf.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (ids.length === 0) return '';
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0)
        throw new TokenizerInputError(`token id ${id} is not a non-negative integer`);
    }
    return this.hf.decode([...ids], { skip_special_tokens: options.skipSpecial ?? false });
  }

  /** Id of a single token string (vocabulary entry or added token), undefined if unknown. */
  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  /** Id of an added token that must exist (e.g. '<|im_end|>'); throws with advice otherwise. */
  requireTokenId(token: string): number {
    const id = this.tokenToId(token);
    if (id === undefined) {
      throw new TokenizerLoadError(
        `the tokenizer has no token ${JSON.stringify(token)}; is this a Qwen2.5-VL tokenizer?`,
      );
    }
    return id;
  }

  isSpecial(id: number): boolean {
    return this.addedById.get(id)?.special === true;
  }

  /** A fresh streaming decoder for one generation (see StreamDetokenizer). */
  createStreamDetokenizer(options: DecodeOptions = {}): StreamDetokenizer {
    return new StreamDetokenizer((ids) => this.decode(ids, options));
  }
}
