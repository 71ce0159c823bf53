/**
 * The contract between the agent loop, the engine under it, and the UI above it.
 * Types only: the trace schema (runtime validation) lives in src/agent/trace/.
 */
import type { Box, Sampling } from '../base/types';
import type { TurnTimings } from '../base/engine';
import type { ErrorInfo } from '../base/errors';

export interface AgentSettings {
  /** Zoom-in crops allowed in one run (DeepEyes demo default 6). */
  maxCrops: number;
  /** New tokens allowed in one assistant turn (default 2048). */
  maxTokensPerTurn: number;
  /** New tokens allowed in the whole run. */
  maxTotalTokens: number;
  sampling: Sampling;
  /** Offer the untrained image_rotate_tool (zero-shot; the prompt says so). Off by default. */
  rotateTool: boolean;
}

export const DEFAULT_SETTINGS: AgentSettings = {
  maxCrops: 6,
  maxTokensPerTurn: 2048,
  maxTotalTokens: 20480,
  sampling: { kind: 'greedy' },
  rotateTool: false,
};

export interface ToolCallInfo {
  name: string;
  label?: string;
  /** The box as the model wrote it, in pixels of the image it saw. */
  bboxModel?: Box;
  /** After clamping and mapping back to the ORIGINAL image. */
  bboxOriginal?: Box;
  angle?: number;
}

export interface CropInfo {
  /** PNG or JPEG data URL of the crop (trace-images.ts says at which size). */
  dataUrl: string;
  width: number;
  height: number;
  /** Size after smart_resize, what the model was fed. */
  resizedWidth: number;
  resizedHeight: number;
  imageTokens: number;
}

export type StepAction =
  | { kind: 'tool_call'; call: ToolCallInfo; crop: CropInfo }
  | { kind: 'tool_error'; call?: ToolCallInfo; message: string; callText: string }
  | { kind: 'answer'; text: string }
  | { kind: 'none'; text: string }
  | { kind: 'budget'; reason: string };

export interface TraceStep {
  index: number;
  /** Raw assistant text of this turn, as decoded (what the model wrote). */
  text: string;
  /** Text inside <think>…</think>, if any. */
  think?: string;
  action: StepAction;
  /** Tokens fed to the decoder for this turn's chunk (the prefill), and generated. */
  promptTokens: number;
  generatedTokens: number;
  timings: TurnTimings;
}

export type EndReason = 'answer' | 'no_action' | 'budget' | 'cancelled' | 'error';

export interface TraceImageInfo {
  sha256: string;
  width: number;
  height: number;
  /** PNG or JPEG data URL of the original (after EXIF orientation), so a trace replays with no model. */
  dataUrl: string;
  /** Size the model saw after smart_resize. */
  resizedWidth: number;
  resizedHeight: number;
}

export interface Trace {
  format: 'deepeyes-trace';
  version: number;
  id: string;
  createdAt: string;
  modelId: string;
  backend: string;
  question: string;
  options?: string[];
  image: TraceImageInfo;
  settings: AgentSettings;
  steps: TraceStep[];
  finalAnswer?: string;
  endReason?: EndReason;
  /** Why the run failed, as ErrorInfo; read it through traceErrorInfo (older traces lack `retryable`). */
  error?: TraceError;
  /** What the benchmark says is right (an imported eval record); absent for a question of your own. */
  groundTruth?: GroundTruth;
}

/** A benchmark's answer key for the question: V* and HR-Bench give the option, V* also the boxes. */
export interface GroundTruth {
  /** The right option's text (V* `answer`, HR-Bench `answer_str`), when known. */
  answer?: string;
  /** The right option's letter (V* `answer_choice`, HR-Bench `answer`), when known. */
  choice?: string;
  /** The objects asked about, in ORIGINAL-image pixels [x1, y1, x2, y2] (the zoom boxes' space). */
  boxes?: Box[];
}

/** ErrorInfo as a trace stores it: traces written before the error contract have no `retryable`. */
export type TraceError = Omit<ErrorInfo, 'retryable'> & { retryable?: boolean };

/** Parsed pieces of an assistant turn, streamed to the UI as they complete. */
export type Segment =
  | { kind: 'think'; text: string }
  | { kind: 'tool_call'; call: ToolCallInfo }
  | { kind: 'tool_result'; crop: CropInfo; bboxOriginal: Box }
  | { kind: 'error'; message: string }
  | { kind: 'answer'; text: string };

export type AgentEvent =
  | {
      type: 'run_start';
      traceId: string;
      question: string;
      image: TraceImageInfo;
      settings: AgentSettings;
      /** The trace header, so the fold of the events is the whole trace (optional: older streams). */
      options?: string[];
      modelId?: string;
      backend?: string;
      createdAt?: string;
    }
  | { type: 'turn_start'; turn: number; promptTokens: number }
  /**
   * Streamed text: tokenId is the token's id, or -1 when not known; `tokens` says how many generated
   * tokens it stands for when that is not simply "1 if tokenId >= 0" (a chat server's chunk).
   */
  | { type: 'token'; turn: number; tokenId: number; text: string; tokens?: number }
  | { type: 'segment'; turn: number; segment: Segment }
  | { type: 'turn_end'; turn: number; step: TraceStep }
  | { type: 'run_end'; trace: Trace };
