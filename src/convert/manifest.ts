/**
 * `deepeyes-manifest.json`: what a converted folder holds, so a runtime can pick a variant
 * (required GPU features, largest single buffer, download size) and check every file's
 * integrity before loading. Deterministic: no timestamps, files sorted by path.
 */
import type { QuantError } from './quant/q4';
import { createSha256 } from '../base/sha256';
import type { OutputFolder } from './output';
import type { ManifestFile, QuantSummary } from '../base/model-manifest';

export interface QuantErrorRow extends QuantError {
  /** The .onnx file the tensor went to. */
  file: string;
  tensor: string;
  format: string;
}

/** Size and SHA-256 of a written file, read back once from where it was written. */
export async function describeFile(folder: OutputFolder, path: string): Promise<ManifestFile> {
  const h = await createSha256();
  let bytes = 0;
  for await (const chunk of folder.chunks(path)) {
    h.update(chunk);
    bytes += chunk.length;
  }
  return { path, bytes, sha256: h.digestHex() };
}

/** One line per quantized file: how far the int4 weights are from the source weights. */
export function summarizeQuantErrors(rows: QuantErrorRow[]): QuantSummary[] {
  const byFile = new Map<string, QuantErrorRow[]>();
  for (const r of rows) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  return [...byFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([file, rs]) => {
      const worst = rs.reduce((w, r) => (r.relRms > w.relRms ? r : w), rs[0]);
      return {
        file,
        tensors: rs.length,
        max_abs: Math.max(...rs.map((r) => r.maxAbs)),
        max_rel_rms: worst.relRms,
        mean_rel_rms: rs.reduce((s, r) => s + r.relRms, 0) / rs.length,
        worst_tensor: worst.tensor,
      };
    });
}
