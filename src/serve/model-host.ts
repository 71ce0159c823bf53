/**
 * The model behind `serve`: one runtime, and the KV caches of the few most recent conversations
 * (one live in the runtime, the others set aside). A request whose prompt extends one of them (the
 * same conversation resent with its new turn, as vLLM's prefix caching sees it) continues that
 * cache and prefills only the new ids; any other request starts a new one. Generation
 * stops on <|im_end|>/<|endoftext|>, on the request's stop strings, or at max_tokens; the last
 * generated id is not fed (as in transformers' generate), so the next turn's prompt starts with it.
 */
import type { ImageLimits } from '../base/engine';
import type { PreparedImage } from '../model/image/prepare-image';
import { QwenVLRuntime, type SavedConversation } from '../model/runtime/qwen-vl-runtime';
import { makeSampler } from '../model/runtime/sampling';
import type { ChatTemplate } from '../model/tokenizer/chat-template';
import type { Tokenizer } from '../model/tokenizer/tokenizer';
import { ContextLengthError } from './errors';
import type { CompletionRequest } from './parse-request';
import { reusableLength, type CachedImage } from './prefix-cache';
import { buildPrompt, imageKeys } from './prompt';
import { StopMatcher } from './stop-text';
import { IM_END } from '../model/tokenizer/image-pads';

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

/** One conversation the server can continue: what its cache holds, live or set aside. */
interface Conversation {
  /** The images in its cache, by where their pads start. */
  images: CachedImage[];
  /**
   * Its text and ids, the last generated id included (not fed). A resent conversation is
   * tokenized as these ids + its new text, not re-tokenized whole: the model's own tokens may not
   * be the ones its decoded text would tokenize to.
   */
  spoken: { text: string; ids: number[]; endsOnToken: boolean } | undefined;
  /** Set when the conversation is parked (not the one in the runtime). */
  saved?: SavedConversation;
  lastUsed: number;
}

const MEMO_IMAGES = 32;

export class ModelHost {
  private live: Conversation = { images: [], spoken: undefined, lastUsed: 0 };
  private parked: Conversation[] = [];
  private memo = new Map<string, PreparedImage>();
  private clock = 0;
  /** Prompt ids prefilled, in total and by the last request (tests and the status endpoint). */
  prefilled = 0;
  lastPrefill = 0;

  /**
   * @param keepConversations conversations whose KV cache is kept (the live one included): a
   * request that extends any of them prefills only its new ids.
   */
  constructor(
    readonly model: HostedModel,
    private readonly maxModelLen: number,
    private readonly keepConversations = 4,
  ) {}

  private get tokens() {
    return this.model.runtime.config.tokens;
  }

  get conversations(): number {
    return this.parked.length + (this.model.runtime.history.length > 0 ? 1 : 0);
  }

  /** Sets the live conversation aside (if it holds anything); frees the least recently used beyond the limit. */
  private park(): void {
    const { runtime } = this.model;
    if (runtime.history.length > 0 && this.keepConversations > 1) {
      this.parked.push({ ...this.live, saved: runtime.saveConversation() });
    } else runtime.reset();
    this.live = { images: [], spoken: undefined, lastUsed: 0 };
    this.parked.sort((a, b) => b.lastUsed - a.lastUsed);
    for (const c of this.parked.splice(Math.max(0, this.keepConversations - 1)))
      QwenVLRuntime.disposeConversation(c.saved!);
  }

  /** Drops the live conversation (after a failure its cache matches nothing we can name). */
  private dropLive(): void {
    this.model.runtime.reset();
    this.live = { images: [], spoken: undefined, lastUsed: 0 };
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
    while (this.memo.size > MEMO_IMAGES) this.memo.delete(this.memo.keys().next().value!);
    const plain = tokenizer.encode(built.text);
    const promptOf = (c: Conversation) => {
      const sp = c.spoken;
      // Joining at a special token (<|im_end|>, </tool_call>) gives the same ids as tokenizing whole.
      const clean =
        sp !== undefined &&
        built.text.startsWith(sp.text) &&
        (sp.endsOnToken || built.text.startsWith(IM_END, sp.text.length));
      const ids = clean ? [...sp.ids, ...tokenizer.encode(built.text.slice(sp.text.length))] : plain;
      return { ids, keys: imageKeys(ids, this.tokens.imagePad, built.digests) };
    };
    // The conversation that already holds the longest part of this prompt.
    let best: { conv: Conversation | null; reuse: number; prompt: { ids: number[]; keys: CachedImage[] } } = {
      conv: null,
      reuse: 0,
      prompt: { ids: plain, keys: imageKeys(plain, this.tokens.imagePad, built.digests) },
    };
    for (const c of [this.live, ...this.parked]) {
      const p = promptOf(c);
      const history = c.saved ? c.saved.history : runtime.history;
      const reuse = reusableLength({ ids: history, images: c.images }, { ids: p.ids, images: p.keys });
      if (reuse > best.reuse) best = { conv: c, reuse, prompt: p };
    }
    const prompt = { ...best.prompt, images: built.images };
    if (prompt.ids.length + 1 > this.maxModelLen)
      throw new ContextLengthError(prompt.ids.length, this.maxModelLen);
    const maxTokens = Math.min(req.maxTokens, this.maxModelLen - prompt.ids.length);

    const reuse = best.reuse;
    if (best.conv === null) this.park();
    else if (best.conv !== this.live) {
      const chosen = best.conv;
      this.parked = this.parked.filter((c) => c !== chosen);
      this.park();
      runtime.restoreConversation(chosen.saved!);
      this.live = { images: chosen.images, spoken: chosen.spoken, lastUsed: chosen.lastUsed };
    }
    const held = reuse === 0 ? 0 : this.live.images.length;
    const newIds = prompt.ids.slice(reuse);
    const newImages = prompt.images.slice(held);
    // Until this request finishes the cache matches nothing we can name: a failure drops it.
    this.live = { images: [], spoken: undefined, lastUsed: ++this.clock };
    this.lastPrefill = newIds.length;
    this.prefilled += newIds.length;
    let logits: Float32Array;
    try {
      logits = (await runtime.append(newIds, newImages, { signal })).logits;
    } catch (e) {
      this.dropLive();
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
        logits = await runtime.step(id, { signal });
      }
    } catch (e) {
      this.dropLive();
      throw e;
    }
    if (matcher.stopped === undefined) emit(matcher.push(detok.flush()) + matcher.flush());
    // The cache holds the prompt and every generated id but the last.
    this.live.images = prompt.keys;
    this.live.spoken = {
      text: built.text + tokenizer.decode(ids),
      ids: [...prompt.ids, ...ids],
      // A turn cut by max_tokens may end mid-word; one that stopped ended on a special or added token.
      endsOnToken: finishReason === 'stop',
    };
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
