/**
 * The runtime is written once against onnxruntime-common's API; Node passes onnxruntime-node,
 * the browser worker passes onnxruntime-web. Both modules export these two classes.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';

export interface OrtApi {
  InferenceSession: {
    create(model: string | Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: typeof Tensor;
}

export type OrtSession = InferenceSession;
export type OrtTensor = Tensor;

/** Where a run executes: 'cpu' (onnxruntime-node), 'wasm' or 'webgpu' (onnxruntime-web). */
export type ExecutionTarget = 'cpu' | 'wasm' | 'webgpu';
