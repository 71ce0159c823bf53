/**
 * The base types every layer speaks: images, boxes, sampling, model variants and compute backends.
 * Types only, imported by everything above; imports nothing.
 */

/** Box [x1, y1, x2, y2] in pixels. Which image's pixels is said by the field name. */
export type Box = [number, number, number, number];

export type Sampling =
  { kind: 'greedy' } | { kind: 'sample'; temperature: number; topP: number; seed?: number };

/** An RGB image held as 8-bit interleaved pixels (HWC, 3 channels). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Weights/activations of a converted graph: fp32, fp16, int4 weights with fp32 or fp16 activations. */
export type Variant = 'fp32' | 'fp16' | 'q4' | 'q4f16';

/** Where the ONNX sessions run in a browser (Node always runs on the CPU). */
export type Backend = 'webgpu' | 'wasm';
