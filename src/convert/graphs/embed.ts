/**
 * `embed_tokens`: input_ids int64 [b,s] -> inputs_embeds float32 [b,s,H].
 *   fp32: Gather over the float32 table.
 *   q4:   the int4 table (block 32 along H, float32 scales, zero point 8), which keeps a 7B table
 *         (152064 x 3584) near 0.3 GB instead of 2.2 GB and under WebGPU's 1 GiB buffer cap.
 *         Output stays float32, so the same graph feeds the q4 and q4f16 decoders.
 *
 * The int4 lookup is built from standard ops rather than com.microsoft GatherBlockQuantized:
 * onnxruntime-web 1.30's WebGPU build has no kernel for that op (session creation fails), and
 * only the gathered rows are unpacked, so the cost is per token, not per table.
 *
 *   ids ─► Gather(packed uint8 [V, kb*16]) ─► Cast int32 ─► Mod 16 (low) / Div 16 (high)
 *       ─► interleave ─► [b, s, kb, 32] ─► Cast f32 ─► Sub 8 ─► Mul Gather(scales)[..., None]
 *       ─► [b, s, kb*32] ─► Slice to H
 */
import type { TextConfig } from '../../model/config';
import { GraphBuilder, type WeightSink } from '../onnx/builder';
import type { WeightStore } from './ops-weights';

export type EmbedDtype = 'fp32' | 'q4';

export const EMBED_TABLE = 'model.embed_tokens.weight';

export async function buildEmbedGraph(
  t: TextConfig,
  store: WeightStore,
  opts: { dtype: EmbedDtype; sink?: WeightSink },
): Promise<Uint8Array> {
  const g = new GraphBuilder('embed_tokens', opts.sink);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  if (opts.dtype === 'fp32') {
    const table = await store.float(g, EMBED_TABLE, 'float32');
    g.scope('model/embed_tokens', () =>
      g.op('Gather', [table, ids], { attrs: { axis: 0 }, outputs: ['inputs_embeds'] }),
    );
  } else {
    const q = await store.q4Table(g, EMBED_TABLE);
    g.scope('model/embed_tokens', () => {
      const kb = Math.ceil(q.cols / 32);
      const padded = q.cols % 32 !== 0;
      const packed = g.op1('Gather', [q.data, ids], { attrs: { axis: 0 } });
      const bytes = g.op1('Cast', [packed], { attrs: { to: 6 /* INT32 */ } });
      const sixteen = g.constant({ dtype: 'int32', dims: [], data: Int32Array.of(16) }, 'sixteen');
      const lo = g.op1('Mod', [bytes, sixteen], { attrs: { fmod: 0 }, name: 'LowNibble' });
      const hi = g.op1('Div', [bytes, sixteen], { name: 'HighNibble' });
      const last = g.ints([-1]);
      const pairs = g.op1('Concat', [g.op1('Unsqueeze', [lo, last]), g.op1('Unsqueeze', [hi, last])], {
        attrs: { axis: -1 },
      });
      const nibbles = g.op1('Reshape', [pairs, g.ints([0, 0, kb, 32])]);
      const centered = g.op1('Sub', [
        g.op1('Cast', [nibbles], { attrs: { to: 1 /* FLOAT */ } }),
        g.scalar(8),
      ]);
      const scales = g.op1('Unsqueeze', [g.op1('Gather', [q.scales, ids], { attrs: { axis: 0 } }), last]);
      const rows = g.op1('Reshape', [g.op1('Mul', [centered, scales]), g.ints([0, 0, kb * 32])], {
        outputs: padded ? 1 : ['inputs_embeds'],
      });
      // Rows are packed in whole blocks of 32; drop the padding columns when H is not a multiple.
      if (padded)
        g.op('Slice', [rows, g.ints([0]), g.ints([q.cols]), g.ints([2])], { outputs: ['inputs_embeds'] });
    });
  }
  g.output('inputs_embeds', 'float32', ['batch_size', 'sequence_length', t.hiddenSize]);
  return g.toBytes({
    doc: `Qwen2.5-VL token embeddings (${opts.dtype})`,
    metadata: { 'deepeyes.dtype': opts.dtype },
  });
}
