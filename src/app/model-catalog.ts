/**
 * The models the picker lists until the engine reports its own catalog (a 'models' PortEvent
 * replaces these). Sizes are estimates for int4 weights with an fp16 vision encoder.
 */
import type { ModelEntry } from '../store/models';

const GB = 1e9;

export const DEFAULT_MODEL_CATALOG: ModelEntry[] = [
  {
    id: 'deepeyes-7b-q4f16',
    label: 'DeepEyes 7B · int4 / fp16',
    sizeBytes: 5.6 * GB,
    needs: { webgpu: true, shaderF16: true, memoryBytes: 7 * GB },
    cache: 'unknown',
    files: [],
    note: 'The real model. Needs a GPU with about 8 GB of memory.',
  },
  {
    id: 'deepeyes-7b-q4f32',
    label: 'DeepEyes 7B · int4 / fp32',
    sizeBytes: 6.4 * GB,
    needs: { webgpu: true, shaderF16: false, memoryBytes: 9 * GB },
    cache: 'unknown',
    files: [],
    note: 'For GPUs without shader-f16; slower and larger.',
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
