/**
 * What one run of the agent is asked to do: the one definition the page, the worker protocol and
 * the agent loop share (the loop adds its signal and event sink to it).
 */
import type { RgbImage } from '../base/types';
import type { AgentSettings, Trace } from './types';

export interface RunRequest {
  image: RgbImage;
  question: string;
  /** Multiple-choice options, in the order shown (A, B, ...); absent for a free question. */
  options?: string[];
  settings: AgentSettings;
  /** Continue an interrupted trace (device lost, worker crashed) from its last completed turn. */
  resumeFrom?: Trace;
}
