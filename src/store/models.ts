/**
 * Model entries as the picker shows them: what each needs from the machine, how much of it is
 * cached, and per-file download progress. Pure helpers; the worker reports, the slice stores.
 */

export type CacheStatus =
  'unknown' | 'absent' | 'partial' | 'cached' | 'downloading' | 'loading' | 'ready' | 'error';

export interface ModelNeeds {
  webgpu: boolean;
  shaderF16: boolean;
  /** GPU memory the weights and KV cache need, roughly. */
  memoryBytes: number;
}

export interface FileProgress {
  file: string;
  loadedBytes: number;
  totalBytes: number;
}

export interface ModelEntry {
  id: string;
  label: string;
  sizeBytes: number;
  needs: ModelNeeds;
  cache: CacheStatus;
  files: FileProgress[];
  /** Where it comes from: a catalog id, a URL, or a local folder name. */
  source?: string;
  note?: string;
  error?: string;
}

export type GpuAvailability = 'unknown' | 'available' | 'missing';

export interface GpuInfo {
  webgpu: GpuAvailability;
  shaderF16: boolean;
  adapter?: string;
  /** Why WebGPU is missing, in words for the user. */
  reason?: string;
  /** navigator.deviceMemory in bytes, where the browser tells it. */
  deviceMemoryBytes?: number;
}

export function withFileProgress(
  entry: ModelEntry,
  file: string,
  loadedBytes: number,
  totalBytes: number,
): ModelEntry {
  const files = entry.files.some((f) => f.file === file)
    ? entry.files.map((f) => (f.file === file ? { file, loadedBytes, totalBytes } : f))
    : [...entry.files, { file, loadedBytes, totalBytes }];
  return { ...entry, files };
}

/** Overall download fraction in [0, 1] over the files reported so far (null: nothing reported). */
export function modelProgress(entry: ModelEntry): number | null {
  const total = entry.files.reduce((s, f) => s + f.totalBytes, 0);
  if (total <= 0) return null;
  const loaded = entry.files.reduce((s, f) => s + Math.min(f.loadedBytes, f.totalBytes), 0);
  return loaded / total;
}

/** Reasons this machine cannot run the entry (empty: it can, as far as the browser tells). */
export function unmetNeeds(entry: ModelEntry, gpu: GpuInfo): string[] {
  const out: string[] = [];
  if (entry.needs.webgpu && gpu.webgpu === 'missing') out.push('needs WebGPU');
  if (entry.needs.shaderF16 && gpu.webgpu === 'available' && !gpu.shaderF16) out.push('needs shader-f16');
  // navigator.deviceMemory is capped at 8 GB by browsers, so only a smaller figure is telling.
  if (
    gpu.deviceMemoryBytes !== undefined &&
    gpu.deviceMemoryBytes < 8e9 &&
    entry.needs.memoryBytes > gpu.deviceMemoryBytes
  ) {
    out.push(`needs about ${formatBytes(entry.needs.memoryBytes)} of memory`);
  }
  return out;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}
