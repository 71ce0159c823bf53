/**
 * config.json as written into a converted folder: the checkpoint's config with what
 * transformers.js v4 needs to load the folder as it is, added only where missing.
 *   text_config: transformers.js reads a qwen2_5_vl model's text fields (layers, kv heads,
 *     head size) there only; older checkpoints (transformers < 4.52) keep them at the top level.
 *   transformers.js_config.use_external_data_format: per ONNX file, how many `X.onnx_data[_N]`
 *     chunks to fetch (a browser cannot list a folder; Node finds them from the graph itself).
 * Our own parser (src/model/config.ts) reads either layout, so both runtimes see the same values.
 */

/** Top-level keys that describe the whole model, not its language part. */
const NOT_TEXT = new Set(['vision_config', 'architectures', 'text_config', 'transformers.js_config']);

export function publishedConfig(configText: string, dataChunks: ReadonlyMap<string, number>): string {
  const raw = JSON.parse(configText) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...raw };
  if (raw.text_config === undefined) {
    const text: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) if (!NOT_TEXT.has(k)) text[k] = v;
    text.model_type = `${String(raw.model_type ?? 'qwen2_5_vl')}_text`;
    out.text_config = text;
  }
  const external: Record<string, number> = {};
  for (const [file, n] of [...dataChunks].sort(([a], [b]) => a.localeCompare(b))) {
    if (n > 0) external[file.replace(/^.*\//, '')] = n;
  }
  const tjs = (raw['transformers.js_config'] as Record<string, unknown> | undefined) ?? {};
  out['transformers.js_config'] = { ...tjs, use_external_data_format: external };
  return JSON.stringify(out, null, 2) + '\n';
}
