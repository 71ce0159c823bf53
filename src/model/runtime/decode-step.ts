/**
 * One decode step: a single text token on top of the KV cache, with its input tensors made once
 * and reused, so a step allocates no tensor buffers of its own.
 *
 *   id ─► embed_tokens ─► inputs_embeds ─► decoder_model_merged (+ KV cache) ─► logits [1, 1, V]
 *
 * Where each tensor lives depends on what the execution target's binding honours:
 * - 'cpu' (onnxruntime-node) writes into bound output tensors, so the embed output is bound to the
 *   tensor the decoder is fed as inputs_embeds, and the logits to one [1, 1, V] buffer that every
 *   step returns;
 * - 'webgpu' keeps the embed output on the GPU (its session's preferred output location, see
 *   sessions.ts) and feeds that buffer to the decoder, so the hidden row makes no round trip;
 * - onnxruntime-web copies a bound CPU output into its heap and never back (1.30,
 *   wasm-core-impl.ts `run`), so on 'wasm' and 'webgpu' nothing on the CPU is bound: the embed
 *   output is fed to the decoder as onnxruntime returned it, and the logits are read from its output.
 */
import type { KvCache } from './kv-cache';
import type { OrtApi, OrtSession, OrtTensor } from './ort-api';
import type { ModelSessions } from './sessions';
import { checkLogits } from './sampling';

type Feeds = Record<string, OrtTensor>;
type Fetches = Record<string, OrtTensor | null>;

export class DecodeStep {
  private readonly idData = new BigInt64Array(1);
  private readonly positionData = new BigInt64Array(3);
  private readonly embedFeeds: Feeds;
  private readonly embedFetches: Fetches;
  private readonly embedName: string;
  /** The bound embed output (cpu target only): the decoder's inputs_embeds feed. */
  private readonly boundEmbeds: OrtTensor | undefined;
  /** The bound logits (cpu target only), overwritten by every step. */
  private readonly boundLogits: OrtTensor | undefined;
  private readonly decoderFeeds: Feeds;
  private readonly decoderFetches: Fetches;
  private readonly embed: OrtSession;
  private readonly decoder: OrtSession;

  constructor(
    ort: OrtApi,
    sessions: ModelSessions,
    private readonly cache: KvCache,
    hiddenSize: number,
    vocabSize: number,
  ) {
    const T = ort.Tensor;
    const bind = sessions.choice.target === 'cpu';
    this.embed = sessions.embed;
    this.decoder = sessions.decoder;
    this.embedName = sessions.embed.outputNames[0];
    this.embedFeeds = { input_ids: new T('int64', this.idData, [1, 1]) };
    this.boundEmbeds = bind ? new T('float32', new Float32Array(hiddenSize), [1, 1, hiddenSize]) : undefined;
    this.embedFetches = { [this.embedName]: this.boundEmbeds ?? null };
    this.boundLogits = bind ? new T('float32', new Float32Array(vocabSize), [1, 1, vocabSize]) : undefined;
    this.decoderFeeds = { position_ids: new T('int64', this.positionData, [3, 1, 1]) };
    this.decoderFetches = {};
    for (const name of this.decoder.outputNames) this.decoderFetches[name] = null;
    if (this.boundLogits) this.decoderFetches.logits = this.boundLogits;
  }

  /**
   * Feeds `id` at mRoPE position `position` (the same on the t, h and w rows: a text token) with
   * `mask` ([1, cache length + 1] ones) and returns its logits. On the cpu target the array is the
   * step's own buffer, valid until the next step; the cache's length is advanced.
   */
  async run(id: number, position: number, mask: OrtTensor): Promise<Float32Array> {
    this.idData[0] = BigInt(id);
    this.positionData.fill(BigInt(position));
    this.cache.reserve(1);
    const total = this.cache.length + 1;
    const embedOut = await this.embed.run(this.embedFeeds, this.embedFetches);
    const embeds = this.boundEmbeds ?? embedOut[this.embedName];
    const feeds = this.decoderFeeds;
    feeds.inputs_embeds = embeds;
    feeds.attention_mask = mask;
    this.cache.feeds(feeds);
    this.cache.fetches(this.decoderFetches);
    let out: Record<string, OrtTensor>;
    try {
      out = await this.decoder.run(feeds, this.decoderFetches);
    } finally {
      if (embeds !== this.boundEmbeds) embeds.dispose();
    }
    this.cache.update(out, total);
    let logits: Float32Array;
    if (this.boundLogits) logits = this.boundLogits.data as Float32Array;
    else logits = (await out.logits.getData(true)) as Float32Array;
    for (const name in out) {
      const t = out[name];
      if (!name.startsWith('present.') && t !== this.boundLogits) t.dispose();
    }
    checkLogits(logits);
    return logits;
  }
}
