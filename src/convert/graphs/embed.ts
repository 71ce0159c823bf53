/**
 * `embed_tokens`: input_ids int64 [b,s] -> inputs_embeds float32 [b,s,H].
 *   fp32: Gather over the float32 table.
 *   q4:   com.microsoft GatherBlockQuantized over the int4 table (block 32 along H, float32 scales,
 *         implicit zero point 8), which keeps a 7B table (152064 x 3584) near 0.3 GB instead of
 *         2.2 GB and under WebGPU's 1 GiB buffer cap. Output stays float32, so the same graph
 *         feeds the q4 and q4f16 decoders.
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
      const padded = q.cols % 32 !== 0;
      const out = g.op1('GatherBlockQuantized', [q.data, ids, q.scales], {
        domain: 'com.microsoft',
        attrs: { gather_axis: 0, quantize_axis: 1, block_size: 32, bits: 4 },
        outputs: padded ? 1 : ['inputs_embeds'],
      });
      // Rows are packed in whole blocks of 32; drop the padding columns when H is not a multiple.
      if (padded)
        g.op('Slice', [out, g.ints([0]), g.ints([q.cols]), g.ints([2])], { outputs: ['inputs_embeds'] });
    });
  }
  g.output('inputs_embeds', 'float32', ['batch_size', 'sequence_length', t.hiddenSize]);
  return g.toBytes({
    doc: `Qwen2.5-VL token embeddings (${opts.dtype})`,
    metadata: { 'deepeyes.dtype': opts.dtype },
  });
}
