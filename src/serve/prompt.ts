/**
 * A request's messages -> the prompt ids the model runs on: the model's chat template, each image
 * decoded from its data URL and prepared by the model's processor, its pad run expanded. Images
 * already prepared (earlier turns of a conversation) are taken from `memo` by digest.
 */
import { createHash } from 'node:crypto';
import type { ImageLimits } from '../base/engine';
import { decodeImageFile } from '../image-io/node-image';
import { prepareImage, type PreparedImage } from '../model/image/prepare-image';
import { expandImagePads } from '../model/tokenizer/image-pads';
import type { ChatContentPart, ChatMessage, ChatTemplate } from '../model/tokenizer/chat-template';
import { BadRequestError } from './errors';
import type { RequestMessage } from './parse-request';
import type { CachedImage } from './prefix-cache';

export interface BuiltPrompt {
  /** The rendered conversation with every image's pads expanded. */
  text: string;
  images: PreparedImage[];
  /** The digest of each image's data URL, in order. */
  digests: string[];
}

export interface PromptModel {
  template: ChatTemplate;
  imageLimits: ImageLimits;
}

function digestOf(dataUrl: string): string {
  return createHash('sha256').update(dataUrl).digest('hex');
}

async function decodeDataUrl(url: string): Promise<Uint8Array> {
  const comma = url.indexOf(',');
  if (comma < 0 || !url.slice(0, comma).endsWith(';base64'))
    throw new BadRequestError('image data URLs must be base64 (data:image/png;base64,…)');
  return new Uint8Array(Buffer.from(url.slice(comma + 1), 'base64'));
}

export async function buildPrompt(
  model: PromptModel,
  messages: readonly RequestMessage[],
  memo: Map<string, PreparedImage>,
): Promise<BuiltPrompt> {
  const chat: ChatMessage[] = [];
  const images: PreparedImage[] = [];
  const digests: string[] = [];
  for (const m of messages) {
    if (typeof m.content === 'string') {
      chat.push({ role: m.role, content: m.content });
      continue;
    }
    const parts: ChatContentPart[] = [];
    for (const p of m.content) {
      if (p.type === 'text') {
        parts.push(p);
        continue;
      }
      const digest = digestOf(p.dataUrl);
      let prepared = memo.get(digest);
      if (!prepared) {
        let rgb;
        try {
          rgb = await decodeImageFile(await decodeDataUrl(p.dataUrl));
        } catch (e) {
          if (e instanceof BadRequestError) throw e;
          throw new BadRequestError(
            `an image could not be decoded: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
        prepared = prepareImage(rgb, { ...model.imageLimits, rule: 'processor' });
        memo.set(digest, prepared);
      }
      images.push(prepared);
      digests.push(digest);
      parts.push({ type: 'image' });
    }
    chat.push({ role: m.role, content: parts });
  }
  const rendered = model.template.render(chat, { addGenerationPrompt: true });
  const text = expandImagePads(
    rendered,
    images.map((p) => p.numImageTokens),
  );
  return { text, images, digests };
}

/** Where each image's pad run starts in `ids`, with its digest. */
export function imageKeys(
  ids: readonly number[],
  imagePadId: number,
  digests: readonly string[],
): CachedImage[] {
  const keys: CachedImage[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === imagePadId && (i === 0 || ids[i - 1] !== imagePadId)) {
      keys.push({ start: i, digest: digests[keys.length] ?? '' });
    }
  }
  return keys;
}
