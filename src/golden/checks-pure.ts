/**
 * Golden checks that need no model: decoding, preprocessing, vision plan, the agent's prompt
 * texts and ids, the crop, and mRoPE positions. Every value is compared exactly.
 */
import { prepareImage, type PreparedImage } from '../model/image/prepare-image';
import { cropRgb, resolveZoomBox, zoomFrame } from '../agent/tools/crop';
import { visionPlan } from '../model/vision/plan';
import { getRopeIndex, appendRopeIndex } from '../model/rope/rope-index';
import { decodePng } from '../image-io/png';
import { turn1Text } from '../agent/protocol/prompts';
import { toolResponseChunk } from '../agent/protocol/chunks';
import type { Tokenizer } from '../model/tokenizer/tokenizer';
import type { ChatTemplate } from '../model/tokenizer/chat-template';
import type { QwenVLConfig } from '../model/config';

import type { GoldenArrays } from './source';
import { firstDifference } from './metrics';
import type { CheckSink } from './report';

import type { RgbImage } from '../base/types';
export interface GoldenCaseJson {
  question: string;
  options?: string[];
  assistant_text: string;
  tool_call: { name: string; arguments: { bbox_2d: number[]; label?: string } };
  greedy_tokens_per_turn: number;
}

/** What the model checks reuse: built by the agent's own code, verified against the set here. */
export interface AgentInputs {
  image: RgbImage;
  image1: PreparedImage;
  crop: PreparedImage;
  turn1Ids: number[];
  chunkIds: number[];
}

function exact(sink: CheckSink, name: string, got: ArrayLike<number>, ref: ArrayLike<number>): boolean {
  const at = firstDifference(got, ref);
  return sink.check(
    name,
    at === -1,
    at === -1 ? 0 : 1,
    at === -1 ? undefined : `first difference at index ${at}`,
  );
}

export async function runPureChecks(
  g: GoldenArrays,
  text: { tokenizer: Tokenizer; template: ChatTemplate },
  config: QwenVLConfig,
  sink: CheckSink,
): Promise<AgentInputs> {
  const c = await g.json<GoldenCaseJson>('case.json');

  // Decoding and preprocessing of the user's image.
  const image = decodePng(await g.bytes('image1.png'));
  exact(sink, 'preprocess.image1.decode', image.data, (await g.u8('image1_uint8_hwc')).data);
  const image1 = prepareImage(image, { rule: 'processor' });
  exact(
    sink,
    'preprocess.image1.resized',
    image1.resized.data,
    (await g.u8('image1_resized_uint8_hwc')).data,
  );
  exact(sink, 'preprocess.image1.grid_thw', image1.gridThw, (await g.i64('image1_grid_thw')).data);
  exact(
    sink,
    'preprocess.image1.pixel_values',
    image1.pixelValues,
    (await g.f32('image1_pixel_values')).data,
  );
  const plan1 = visionPlan(image1.gridThw, config.vision);
  exact(
    sink,
    'vision_plan.image1.window_index',
    plan1.windowIndex,
    (await g.i64('image1_window_index')).data,
  );
  exact(
    sink,
    'vision_plan.image1.cu_window_seqlens',
    plan1.cuWindowSeqlens,
    (await g.i64('image1_cu_window_seqlens')).data,
  );

  // The agent's turn-1 prompt, built from case.json through the template and tokenizer.
  const t1 = turn1Text(text.template, { question: c.question, options: c.options }, image1.numImageTokens);
  sink.check(
    'agent.turn1_text',
    t1 === (await g.text('turn1_text_expanded.txt')),
    t1 === (await g.text('turn1_text_expanded.txt')) ? 0 : 1,
  );
  const turn1Ids = text.tokenizer.encode(t1);
  exact(sink, 'agent.turn1_ids', turn1Ids, (await g.i64('turn1_input_ids')).data);

  // The zoom: box from the teacher-forced tool call, crop of the ORIGINAL, DeepEyes resize.
  const frame = zoomFrame(image.width, image.height);
  const box = resolveZoomBox(c.tool_call.arguments.bbox_2d, frame);
  if (!box.ok) {
    sink.check('agent.crop_box', false, 1, box.message);
    throw new Error(`golden tool call box rejected: ${box.message}`);
  }
  const cropped = cropRgb(image, box.rect);
  exact(sink, 'agent.crop_pixels', cropped.data, (await g.u8('crop_uint8_hwc')).data);
  const crop = prepareImage(cropped, { rule: 'crop' });
  exact(sink, 'agent.crop_resized', crop.resized.data, (await g.u8('crop_resized_uint8_hwc')).data);
  exact(sink, 'agent.crop_grid_thw', crop.gridThw, (await g.i64('crop_grid_thw')).data);
  exact(sink, 'agent.crop_pixel_values', crop.pixelValues, (await g.f32('crop_pixel_values')).data);
  const planC = visionPlan(crop.gridThw, config.vision);
  exact(sink, 'vision_plan.crop.window_index', planC.windowIndex, (await g.i64('crop_window_index')).data);
  exact(
    sink,
    'vision_plan.crop.cu_window_seqlens',
    planC.cuWindowSeqlens,
    (await g.i64('crop_cu_window_seqlens')).data,
  );

  // The tool-response chunk.
  const chunk = toolResponseChunk(c.assistant_text, crop.numImageTokens);
  const chunkRef = await g.text('turn2_chunk_text_expanded.txt');
  sink.check('agent.chunk_text', chunk === chunkRef, chunk === chunkRef ? 0 : 1);
  const chunkIds = text.tokenizer.encode(chunk);
  exact(sink, 'agent.chunk_ids', chunkIds, (await g.i64('turn2_chunk_input_ids')).data);

  // mRoPE positions: turn 1, and the chunk computed incrementally on top of turn 1.
  const rope1 = getRopeIndex(turn1Ids, [image1.gridThw]);
  exact(sink, 'rope.turn1_position_ids', rope1.positions.data, (await g.i64('turn1_position_ids')).data);
  const rope2 = appendRopeIndex(rope1.state, chunkIds, [crop.gridThw]);
  exact(
    sink,
    'rope.chunk_position_ids',
    rope2.positions.data,
    (await g.i64('turn2_chunk_position_ids')).data,
  );
  const deltas = [rope1.ropeDelta, rope2.state.nextPosition - rope2.state.length];
  exact(sink, 'rope.deltas', deltas, (await g.i64('rope_deltas')).data);

  return { image, image1, crop, turn1Ids, chunkIds };
}
