/**
 * The models the picker lists until the engine reports its own catalog (a 'models' PortEvent
 * replaces these). The 7B and 3B rows convert in this browser straight from Hugging Face
 * (safetensors read with Range requests, int4 written to OPFS; see src/worker/convert.worker.ts);
 * sizes and times are from bench/convert-7b.md (q4: 5.2 GB kept from 16.6 GB of bf16).
 */
import { parseHubRef, type HubRef } from '../delivery/hub/hub-ref';
import type { ModelEntry } from '../store/models';

const GB = 1e9;

/** Catalog rows that come from a Hugging Face repo (converted here unless the repo holds ONNX). */
export const HUB_CATALOG: Record<string, string> = {
  'deepeyes-7b': 'ChenShawn/DeepEyes-7B',
  'qwen2.5-vl-7b': 'Qwen/Qwen2.5-VL-7B-Instruct',
  'qwen2.5-vl-3b': 'Qwen/Qwen2.5-VL-3B-Instruct',
};

export function hubCatalogRef(id: string): HubRef | null {
  const repo = HUB_CATALOG[id];
  return repo ? parseHubRef(repo) : null;
}

export const DEFAULT_MODEL_CATALOG: ModelEntry[] = [
  {
    id: 'deepeyes-7b',
    label: 'DeepEyes 7B · int4',
    sizeBytes: 5.2 * GB,
    needs: { webgpu: true, shaderF16: false, memoryBytes: 7 * GB },
    cache: 'unknown',
    files: [],
    source: 'hf:ChenShawn/DeepEyes-7B',
    note: 'Converted in this browser from Hugging Face: 16.6 GB download, 5.2 GB kept, about 15 minutes.',
  },
  {
    id: 'qwen2.5-vl-7b',
    label: 'Qwen2.5-VL 7B Instruct · int4',
    sizeBytes: 5.2 * GB,
    needs: { webgpu: true, shaderF16: false, memoryBytes: 7 * GB },
    cache: 'unknown',
    files: [],
    source: 'hf:Qwen/Qwen2.5-VL-7B-Instruct',
    note: 'The base model DeepEyes was trained from, same route: 16.6 GB download, 5.2 GB kept, about 15 minutes.',
  },
  {
    id: 'qwen2.5-vl-3b',
    label: 'Qwen2.5-VL 3B Instruct · int4',
    sizeBytes: 2.4 * GB,
    needs: { webgpu: true, shaderF16: false, memoryBytes: 4 * GB },
    cache: 'unknown',
    files: [],
    source: 'hf:Qwen/Qwen2.5-VL-3B-Instruct',
    note: 'Smaller and faster: 7.5 GB download, 2.4 GB kept, about 7 minutes.',
  },
  {
    id: 'tiny-random',
    label: 'Tiny test model (random weights)',
    sizeBytes: 12e6,
    needs: { webgpu: false, shaderF16: false, memoryBytes: 0 },
    cache: 'unknown',
    files: [],
    note: 'Runs anywhere, answers nonsense: checks the pipeline end to end.',
  },
];
