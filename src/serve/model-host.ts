/**
 * The model behind `serve`: one runtime, one live conversation in its KV cache. A request whose
 * prompt extends what the cache holds (the same conversation, resent with its new turn) prefills
 * only the new ids; any other request drops the cache and prefills its whole prompt. Generation
 * stops on <|im_end|>/<|endoftext|>, on the request's stop strings, or at max_tokens; the last
 * generated id is not fed (as in transformers' generate), so the next turn's prompt starts with it.
 */
import type { ImageLimits } from '../base/engine';
import type { PreparedImage } from '../model/image/prepare-image';
import type { QwenVLRuntime } from '../model/runtime/qwen-vl-runtime';
import { makeSampler } from '../model/runtime/sampling';
import type { ChatTemplate } from '../model/tokenizer/chat-template';
import type { Tokenizer } from '../model/tokenizer/tokenizer';
import { ContextLengthError } from './errors';
import type { CompletionRequest } from './parse-request';
import { reusableLength, type CachedImage } from './prefix-cache';
import { buildPrompt, imageKeys } from './prompt';
import { StopMatcher } from './stop-text';

export interface HostedModel {
  readonly modelId: string;
  readonly runtime: QwenVLRuntime;
  readonly tokenizer: Tokenizer;
  readonly template: ChatTemplate;
  readonly imageLimits: ImageLimits;
}

export interface CompletionResult {
  text: string;
  finishReason: 'stop' | 'length';
  /** The stop string that ended it (vLLM's stop_reason); null on end of message or length. */
  stopReason: string | null;
  promptTokens: number;
  /** Prompt ids taken from the cache (not prefilled). */
  cachedTokens: number;
  completionTokens: number;
  promptIds: number[];
  /** Generated ids, the stop token included. */
  ids: number[];
}

export class ModelHost {
  private cached: { images: CachedImage[] } = { images: [] };
  /**
   * The text and ids of the cached conversation, the last generated id included (it is not fed).
   * A resent conversation is tokenized as these ids + its new text, not re-tokenized whole: the
   * model's own tokens may not be the ones its decoded text would tokenize to.
   */
  private spoken: { text: string; ids: number[] } | undefined;
  private memo = new Map<string, PreparedImage>();
  /** Prompt ids prefilled, in total and by the last request (tests and the status endpoint). */
  prefilled = 0;
  lastPrefill = 0;

  constructor(
    readonly model: HostedModel,
    private readonly maxModelLen: number,
  ) {}

  private get tokens() {
    return this.model.runtime.config.tokens;
  }

  async complete(
    req: CompletionRequest,
    onText: (delta: string) => void,
    signal?: AbortSignal,
  ): Promise<CompletionResult> {
    const { runtime, tokenizer } = this.model;
    const built = await buildPrompt(
      { template: this.model.template, imageLimits: this.model.imageLimits },
      req.messages,
      this.memo,
    );
    const s = this.spoken;
    const promptIds =
      s && built.text.startsWith(s.text)
        ? [...s.ids, ...tokenizer.encode(built.text.slice(s.text.length))]
        : tokenizer.encode(built.text);
    const prompt = {
      ids: promptIds,
      images: built.images,
      keys: imageKeys(promptIds, this.tokens.imagePad, built.digests),
    };
    this.spoken = undefined;
    if (prompt.ids.length + 1 > this.maxModelLen)
      throw new ContextLengthError(prompt.ids.length, this.maxModelLen);
    const maxTokens = Math.min(req.maxTokens, this.maxModelLen - prompt.ids.length);

    const reuse = reusableLength(
      { ids: runtime.history, images: this.cached.images },
      { ids: prompt.ids, images: prompt.keys },
    );
    const held = this.cached.images.length;
    if (reuse === 0) {
      runtime.reset();
      this.cached = { images: [] };
      // Keep only this prompt's images prepared.
      const keep = new Set(prompt.keys.map((k) => k.digest));
      for (const d of [...this.memo.keys()]) if (!keep.has(d)) this.memo.delete(d);
    }
    const newIds = prompt.ids.slice(reuse);
    const newImages = prompt.images.slice(reuse === 0 ? 0 : held);
    // Until this request finishes the cache matches nothing we can name: a failure drops it.
    this.cached = { images: [] };
    this.lastPrefill = newIds.length;
    this.prefilled += newIds.length;
    let logits: Float32Array;
    try {
      logits = (await runtime.append(newIds, newImages, { signal })).logits;
    } catch (e) {
      runtime.reset();
      throw e;
    }

    const sample = makeSampler(req.sampling);
    const stopIds = new Set([this.tokens.imEnd, this.tokens.endOfText]);
    // Stop strings that are one added token (</tool_call>) stop on the id; the rest on the text.
    const idStops = new Map<number, string>();
    const textStops: string[] = [];
    for (const s of req.stop) {
      const id = tokenizer.tokenToId(s);
      if (id !== undefined && tokenizer.encode(s).length === 1) idStops.set(id, s);
      else textStops.push(s);
    }
    const matcher = new StopMatcher(textStops);
    const detok = tokenizer.createStreamDetokenizer({ skipSpecial: true });
    let text = '';
    const emit = (t: string) => {
      if (!t) return;
      text += t;
      onText(t);
    };
    const ids: number[] = [];
    let finishReason: CompletionResult['finishReason'] = 'length';
    let stopReason: string | null = null;
    try {
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        const id = sample(logits);
        ids.push(id);
        if (stopIds.has(id)) {
          finishReason = 'stop';
          break;
        }
        const idStop = idStops.get(id);
        if (idStop !== undefined) {
          finishReason = 'stop';
          stopReason = idStop;
          break;
        }
        emit(matcher.push(detok.push(id)));
        if (matcher.stopped !== undefined) {
          finishReason = 'stop';
          stopReason = matcher.stopped;
          break;
        }
        if (ids.length >= maxTokens) break;
        logits = (await runtime.append([id], [], { signal })).logits;
      }
    } catch (e) {
      runtime.reset();
      throw e;
    }
    if (matcher.stopped === undefined) emit(matcher.push(detok.flush()) + matcher.flush());
    // The cache holds the prompt and every generated id but the last.
    this.cached = { images: prompt.keys };
    // Only a turn that ended on a special or added token ends on a clean token boundary.
    if (finishReason === 'stop')
      this.spoken = { text: built.text + tokenizer.decode(ids), ids: [...prompt.ids, ...ids] };
    return {
      text,
      finishReason,
      stopReason,
      promptTokens: prompt.ids.length,
      cachedTokens: reuse,
      completionTokens: ids.length,
      promptIds: prompt.ids,
      ids,
    };
  }
}
