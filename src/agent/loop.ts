/**
 * The DeepEyes iMCoT loop: prefill the question with the image, generate until `</tool_call>` or
 * `<|im_end|>`, act on the latest output (answer, zoom, or an error turn), prefill ONLY the new
 * chunk on top of the cache, repeat until an answer or a budget.
 *
 *   turn 1 prompt ─► prefill ─► generate ─► parse ─┬─ <answer>      ─► done
 *                      ▲                           ├─ zoom box      ─► crop ORIGINAL ─┐
 *                      └──── [last id] + tool-response / error chunk ◄─┴──────────────┘
 *
 * Every turn is recorded as a TraceStep and streamed as AgentEvents.
 */
import type { Engine } from './engine';
import type { AgentEvent, AgentSettings, CropInfo, EndReason, StepAction, Trace, TraceStep } from './types';
import { turn1Text } from './protocol/prompts';
import { toolErrorTail, toolResponseTail } from './protocol/chunks';
import { parseAssistantTurn } from './protocol/parse';
import { zoomBoxValidator } from './protocol/tool-call';
import { TurnSegmenter } from './protocol/segmenter';
import { TRACE_FORMAT, TRACE_VERSION } from './trace/schema';
import { prepareImage, type PreparedImage } from '../model/image/prepare-image';
import { cropRgb, resolveZoomBox, zoomFrame } from './tools/crop';
import { rotateRgb } from './tools/rotate';
import { pngDataUrl } from '../image-io/png';
import { RunCancelledError } from '../model/runtime/qwen-vl-runtime';
import { sha256Hex } from '../base/sha256';
import { resumableSteps } from './resume';

import type { RgbImage } from '../base/types';
export interface RunInput {
  image: RgbImage;
  question: string;
  options?: string[];
  settings: AgentSettings;
  signal?: AbortSignal;
  onEvent?: (e: AgentEvent) => void;
  traceId?: string;
  /**
   * Continue an interrupted run (device lost, worker crashed): its completed zoom/error turns are
   * prefilled again in one chunk and generation goes on from the next turn.
   */
  resumeFrom?: Trace;
}

/** Error turns and rotations also take turns: bound them so a confused model cannot loop forever. */
const EXTRA_TURNS = 4;

function now(): number {
  return performance.now();
}

function errorInfo(e: unknown): { code: string; message: string } {
  if (e instanceof Error) return { code: e.name || 'Error', message: e.message };
  return { code: 'Error', message: String(e) };
}

export async function runDeepEyes(engine: Engine, input: RunInput): Promise<Trace> {
  const { image, settings, signal } = input;
  const emit = input.onEvent ?? (() => {});
  const prepared = prepareImage(image, { ...engine.imageOptions, rule: 'processor' });
  const frame = zoomFrame(image.width, image.height, engine.imageOptions);
  const toolOptions = { validateBox: zoomBoxValidator(frame), rotateTool: settings.rotateTool };
  const { imEnd, toolCallEnd } = engine.stopIds;

  const trace: Trace = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    id: input.traceId ?? crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    modelId: engine.modelId,
    backend: engine.backend,
    question: input.question,
    ...(input.options?.length ? { options: input.options } : {}),
    image: {
      sha256: await sha256Hex(image.data),
      width: image.width,
      height: image.height,
      pngDataUrl: pngDataUrl(image),
      resizedWidth: prepared.resizedWidth,
      resizedHeight: prepared.resizedHeight,
    },
    settings,
    steps: [],
  };
  emit({ type: 'run_start', traceId: trace.id, question: trace.question, image: trace.image, settings });

  const text = turn1Text(
    engine.template,
    { question: input.question, options: input.options, rotateTool: settings.rotateTool },
    prepared.numImageTokens,
  );
  let chunkIds: number[] = engine.tokenizer.encode(text);
  let chunkImages: PreparedImage[] = [prepared];
  let crops = 0;
  let firstTurn = 0;
  if (input.resumeFrom) {
    // Rebuild the conversation up to the last completed turn: assistant text + its tool turn each.
    for (const step of resumableSteps(input.resumeFrom)) {
      const act = step.action;
      chunkIds.push(...engine.tokenizer.encode(step.text));
      if (act.kind === 'tool_call') {
        const crop = act.call.bboxOriginal
          ? cropRgb(image, act.call.bboxOriginal)
          : rotateRgb(image, act.call.angle ?? 0);
        const cropPrep = prepareImage(crop, { ...engine.imageOptions, rule: 'crop' });
        chunkIds.push(...engine.tokenizer.encode(toolResponseTail(cropPrep.numImageTokens)));
        chunkImages.push(cropPrep);
        crops++;
      } else if (act.kind === 'tool_error') {
        chunkIds.push(...engine.tokenizer.encode(toolErrorTail(act.message)));
      }
      trace.steps.push(step);
      emit({ type: 'turn_end', turn: step.index, step });
      firstTurn++;
    }
  }
  let generatedTotal = 0;
  engine.reset();

  const finish = (reason: EndReason, answer?: string): Trace => {
    trace.endReason = reason;
    if (answer !== undefined) trace.finalAnswer = answer;
    emit({ type: 'run_end', trace });
    return trace;
  };

  try {
    for (let turn = firstTurn; ; turn++) {
      if (turn > settings.maxCrops + EXTRA_TURNS) return finish('budget');
      const left = settings.maxTotalTokens - generatedTotal;
      if (left <= 0) return finish('budget');
      emit({ type: 'turn_start', turn, promptTokens: chunkIds.length });

      const tTurn = now();
      const { logits, stats } = await engine.prefill(chunkIds, chunkImages, signal);
      const promptTokens = chunkIds.length;
      let firstTokenAt = 0;
      const detok = engine.tokenizer.createStreamDetokenizer({ skipSpecial: true });
      const segmenter = new TurnSegmenter(toolOptions);
      let partial = '';
      const onToken = (id: number, index: number) => {
        if (index === 0) firstTokenAt = now();
        const delta = detok.push(id);
        partial += delta;
        emit({ type: 'token', turn, tokenId: id, text: delta });
        if (delta) for (const segment of segmenter.push(delta)) emit({ type: 'segment', turn, segment });
      };
      let gen;
      try {
        gen = await engine.generate(logits, {
          maxNewTokens: Math.min(settings.maxTokensPerTurn, left),
          stopIds: [imEnd, toolCallEnd],
          sampling: settings.sampling,
          signal,
          onToken,
        });
      } catch (e) {
        if (e instanceof RunCancelledError && partial) {
          trace.steps.push(
            stepOf(turn, partial, { kind: 'budget', reason: 'stopped by the user' }, promptTokens, 0),
          );
        }
        throw e;
      }
      generatedTotal += gen.ids.length;
      const tail = detok.flush();
      if (tail) emit({ type: 'token', turn, tokenId: -1, text: tail });
      const turnText = engine.tokenizer.decode(gen.ids, { skipSpecial: true });
      const parsed = parseAssistantTurn(turnText, toolOptions);
      const timings = {
        ttftMs: (firstTokenAt || now()) - tTurn,
        prefillMs: stats.prefillMs,
        prefillTokens: stats.tokens,
        decodeMs: gen.decodeMs,
        decodeTokens: Math.max(0, gen.ids.length - 1),
        visionMs: stats.visionMs,
      };
      const record = (action: StepAction): TraceStep => {
        const step: TraceStep = {
          index: turn,
          text: turnText,
          ...(parsed.think !== undefined ? { think: parsed.think } : {}),
          action,
          promptTokens,
          generatedTokens: gen.ids.length,
          timings,
        };
        trace.steps.push(step);
        emit({ type: 'turn_end', turn, step });
        return step;
      };
      // The last sampled id was not fed: it opens the next chunk. Every tail starts with <|im_end|>,
      // so when the model itself stopped on <|im_end|> the tail's own copy stands for it.
      const lastId = gen.ids[gen.ids.length - 1];
      const head = lastId === imEnd ? [] : [lastId];
      const act = parsed.action;

      if (act.kind === 'answer') {
        record({ kind: 'answer', text: act.text });
        return finish('answer', act.text);
      }
      if (act.kind === 'none') {
        record(
          gen.stop === 'max_tokens'
            ? { kind: 'budget', reason: 'token budget reached' }
            : { kind: 'none', text: act.text },
        );
        return finish(gen.stop === 'max_tokens' ? 'budget' : 'no_action', act.text);
      }
      if (act.kind === 'tool_error') {
        record({
          kind: 'tool_error',
          ...(act.call ? { call: act.call } : {}),
          message: act.message,
          callText: act.callText,
        });
        emit({ type: 'segment', turn, segment: { kind: 'error', message: act.message } });
        chunkIds = [...head, ...engine.tokenizer.encode(toolErrorTail(act.message))];
        chunkImages = [];
        continue;
      }
      // A tool call that passed validation.
      if (crops >= settings.maxCrops) {
        record({ kind: 'budget', reason: `crop budget of ${settings.maxCrops} reached` });
        return finish('budget');
      }
      const call = act.call;
      let cropped: RgbImage;
      let bboxOriginal = call.bboxOriginal;
      if (call.name === 'image_rotate_tool') {
        cropped = rotateRgb(image, call.angle ?? 0);
      } else {
        const r = resolveZoomBox(call.bboxModel, frame);
        if (!r.ok) throw new Error(`validated box failed to resolve: ${r.message}`);
        bboxOriginal = r.box;
        cropped = cropRgb(image, r.rect);
      }
      const cropPrep = prepareImage(cropped, { ...engine.imageOptions, rule: 'crop' });
      const crop: CropInfo = {
        pngDataUrl: pngDataUrl(cropped),
        width: cropped.width,
        height: cropped.height,
        resizedWidth: cropPrep.resizedWidth,
        resizedHeight: cropPrep.resizedHeight,
        imageTokens: cropPrep.numImageTokens,
      };
      crops++;
      const fullCall = { ...call, ...(bboxOriginal ? { bboxOriginal } : {}) };
      record({ kind: 'tool_call', call: fullCall, crop });
      if (bboxOriginal) emit({ type: 'segment', turn, segment: { kind: 'tool_result', crop, bboxOriginal } });
      chunkIds = [...head, ...engine.tokenizer.encode(toolResponseTail(cropPrep.numImageTokens))];
      chunkImages = [cropPrep];
    }
  } catch (e) {
    if (e instanceof RunCancelledError || signal?.aborted) {
      return finish('cancelled');
    }
    trace.error = errorInfo(e);
    return finish('error');
  }
}

function stepOf(
  index: number,
  text: string,
  action: StepAction,
  promptTokens: number,
  generated: number,
): TraceStep {
  return {
    index,
    text,
    action,
    promptTokens,
    generatedTokens: generated,
    timings: {
      ttftMs: 0,
      prefillMs: 0,
      prefillTokens: promptTokens,
      decodeMs: 0,
      decodeTokens: 0,
      visionMs: 0,
    },
  };
}
