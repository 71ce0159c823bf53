/**
 * A TensorSource over the deterministic golden weights (src/convert/synth), computed on first
 * use and kept, so tests can build graphs without writing a checkpoint file.
 */
import { parseQwenVLConfig } from '../../model/config';
import { qwenVLTensorShapes, tensorValues } from '../synth';
import { MissingTensorError, type TensorSource } from './ops-weights';

export function synthSource(configJson: string | Record<string, unknown>, salt: string): TensorSource {
  const shapes = new Map(qwenVLTensorShapes(parseQwenVLConfig(configJson)).map((t) => [t.name, t.shape]));
  const cache = new Map<string, Float32Array>();
  const shapeOf = (name: string): number[] => {
    const s = shapes.get(name);
    if (!s) throw new MissingTensorError(name);
    return s;
  };
  return {
    names: () => [...shapes.keys()],
    shape: shapeOf,
    readF32: async (name) => {
      let v = cache.get(name);
      if (!v) {
        v = tensorValues(salt, name, shapeOf(name));
        cache.set(name, v);
      }
      return v;
    },
  };
}
