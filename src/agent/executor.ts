/**
 * Runs the DeepEyes loop on a TurnEngine: send the turn-1 messages, let the engine generate a turn,
 * ask the kernel (kernel.ts) what follows, do it (crop or rotate the ORIGINAL image, or an error
 * turn), send the next messages, until the kernel finishes. Every turn is recorded as a TraceStep
 * and streamed as AgentEvents. Resume rebuilds the completed turns' messages and sends them with
 * turn 1 in one call.
 */
import type { Message, TurnEngine } from '../base/engine';
import type { AgentEvent, StepAction, ToolCallInfo, Trace, TraceStep } from './types';
import { parseAssistantTurn } from './protocol/parse';
import { zoomBoxValidator } from './protocol/tool-call';
import { TurnSegmenter } from './protocol/segmenter';
import { applyAgentEvent, endTrace, type RunEnd, type TraceDraft } from './trace/fold';
import { cropRgb, resizeForModel, zoomFrame } from './tools/crop';
import { rotateRgb } from './tools/rotate';
import { traceImageInfo } from './trace/trace-images';
import { toolImage } from './tool-image';
import { RunCancelledError } from '../model/runtime/qwen-vl-runtime';
import { resumableSteps } from './resume';
import type { RunRequest } from './run-request';
import { toErrorInfo } from '../base/errors';
import { errorTurn, firstTurn, nextStep, toolResponseTurn, turnAllowance, type Counters } from './kernel';

/** A RunRequest plus what the caller listens with. */
export interface RunInput extends RunRequest {
  signal?: AbortSignal;
  onEvent?: (e: AgentEvent) => void;
  traceId?: string;
}

export async function runDeepEyes(engine: TurnEngine, input: RunInput): Promise<Trace> {
  const { image, settings, signal } = input;
  const listener = input.onEvent ?? (() => {});
  // The trace is the fold of the events emitted: what the page and a resume see is what we return.
  let draft: TraceDraft | null = null;
  const emit = (e: AgentEvent) => {
    draft = applyAgentEvent(draft, e);
    listener(e);
  };
  const limits = engine.imageLimits;
  const frame = zoomFrame(image.width, image.height, limits);
  const toolOptions = { validateBox: zoomBoxValidator(frame), rotateTool: settings.rotateTool };
  const header = { modelId: engine.modelId, backend: engine.backend, createdAt: new Date().toISOString() };

  emit({
    type: 'run_start',
    traceId: input.traceId ?? crypto.randomUUID(),
    question: input.question,
    ...(input.options?.length ? { options: input.options } : {}),
    image: await traceImageInfo(image, limits),
    settings,
    ...header,
  });

  /** A replayed tool call's image: cut from (or rotated from) the ORIGINAL, resized for the model. */
  const replayedImage = (call: ToolCallInfo) =>
    resizeForModel(
      call.bboxOriginal ? cropRgb(image, call.bboxOriginal) : rotateRgb(image, call.angle ?? 0),
      limits,
    );

  let append: Message[] = firstTurn(
    { question: input.question, options: input.options, rotateTool: settings.rotateTool },
    image,
  );
  const counters: Counters = { turn: 0, crops: 0, generated: 0 };
  if (input.resumeFrom) {
    // The conversation up to the last completed turn: each assistant text and its tool turn.
    for (const step of resumableSteps(input.resumeFrom)) {
      const act = step.action;
      if (act.kind === 'tool_call') {
        append.push(...toolResponseTurn(step.text, replayedImage(act.call)));
        counters.crops++;
      } else if (act.kind === 'tool_error') {
        append.push(...errorTurn(step.text, act.message));
      }
      emit({ type: 'turn_end', turn: step.index, step });
      counters.turn++;
    }
  }
  engine.reset();

  const finish = (end: RunEnd): Trace => {
    const trace = endTrace(draft!, end, header);
    emit({ type: 'run_end', trace });
    return trace;
  };

  try {
    for (;;) {
      const turn = counters.turn;
      const allowance = turnAllowance(counters, settings);
      if (allowance === null) return finish({ endReason: 'budget' });

      let started = false;
      const start = (promptTokens: number) => {
        if (started) return;
        started = true;
        emit({ type: 'turn_start', turn, promptTokens });
      };
      const segmenter = new TurnSegmenter(toolOptions);
      const result = await engine.turn(append, {
        maxNewTokens: allowance,
        sampling: settings.sampling,
        signal,
        onPrompt: start,
        onText: (delta, tokenId) => {
          start(0);
          // A chunk without an id (chat servers) is one streamed token whose id is not known.
          emit({
            type: 'token',
            turn,
            tokenId: tokenId ?? -1,
            text: delta,
            ...(tokenId === undefined ? { tokens: 1 } : {}),
          });
          if (delta) for (const segment of segmenter.push(delta)) emit({ type: 'segment', turn, segment });
        },
      });
      start(result.promptTokens);
      counters.generated += result.generatedTokens;
      counters.turn++;
      const parsed = parseAssistantTurn(result.text, toolOptions);
      const record = (action: StepAction) => {
        const step: TraceStep = {
          index: turn,
          text: result.text,
          ...(parsed.think !== undefined ? { think: parsed.think } : {}),
          action,
          promptTokens: result.promptTokens,
          generatedTokens: result.generatedTokens,
          timings: result.timings,
        };
        emit({ type: 'turn_end', turn, step });
      };

      const next = nextStep(result.text, parsed, result.stop, counters, settings);
      if (next.kind === 'finish') {
        record(next.action);
        return finish({
          endReason: next.reason,
          ...(next.answer !== undefined ? { finalAnswer: next.answer } : {}),
        });
      }
      if (next.kind === 'error_turn') {
        record(next.action);
        emit({ type: 'segment', turn, segment: { kind: 'error', message: next.action.message } });
        append = next.append;
        continue;
      }
      // A tool call that passed validation.
      const call = next.call;
      const { bboxOriginal, forModel, crop } = await toolImage(image, call, frame, limits);
      counters.crops++;
      record({ kind: 'tool_call', call: { ...call, ...(bboxOriginal ? { bboxOriginal } : {}) }, crop });
      if (bboxOriginal) emit({ type: 'segment', turn, segment: { kind: 'tool_result', crop, bboxOriginal } });
      append = toolResponseTurn(result.text, forModel);
    }
  } catch (e) {
    // A stop keeps the turn being written (its text so far) as the last step.
    if (e instanceof RunCancelledError || signal?.aborted)
      return finish({ endReason: 'cancelled', keepLive: true });
    return finish({ endReason: 'error', error: toErrorInfo(e, 'run_failed') });
  }
}
