/**
 * Messages -> the ids a token engine prefills, keeping the conversation incremental: the first turn
 * feeds the whole rendered prompt; each later turn feeds only [the unfed last generated id, unless
 * it is <|im_end|>] + the rendering of what follows the assistant text (the tool or error turn).
 * The KV cache then holds exactly the tokens the model generated, never a re-tokenized copy.
 *
 * The chat template decides the bytes: the chunk is the full rendering minus what was rendered
 * before, so it is always what `template.render(conversation)` says. When the assistant message
 * handed back differs from what was generated (or the template does not extend the earlier
 * rendering), the conversation is rendered and fed again from the start (`restart`): never
 * silently different bytes.
 */
import type { Message } from '../../base/engine';
import type { ChatContentPart, ChatMessage, ChatTemplate } from '../tokenizer/chat-template';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { IM_END, expandImagePads } from '../tokenizer/image-pads';
import { prepareImage, type PrepareImageOptions, type PreparedImage } from '../image/prepare-image';

export interface FeedChunk {
  ids: number[];
  /** The images of `ids`, one per pad run, prepared with the processor's rule. */
  images: PreparedImage[];
  /** True when the cache must be dropped first: `ids` is the whole conversation. */
  restart: boolean;
}

function chatMessage(m: Message): ChatMessage {
  if (typeof m.content === 'string') return { role: m.role, content: m.content };
  return {
    role: m.role,
    content: m.content.map((p): ChatContentPart => (p.type === 'text' ? p : { type: 'image' })),
  };
}

function textOf(m: Message): string | undefined {
  if (typeof m.content === 'string') return m.content;
  return m.content.every((p) => p.type === 'text') ? m.content.map((p) => p.text).join('') : undefined;
}

export class ConversationFeed {
  private conversation: ChatMessage[] = [];
  /** The conversation rendered through its generation prompt, pads not expanded. */
  private rendered = '';
  private images: PreparedImage[] = [];
  /** The last turn's generated ids (all but the last are in the cache) and their text. */
  private last: { ids: readonly number[]; text: string } | undefined;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly template: ChatTemplate,
    private readonly imEndId: number,
  ) {}

  reset(): void {
    this.conversation = [];
    this.rendered = '';
    this.images = [];
    this.last = undefined;
  }

  /** Records what the engine generated (its last id is not fed: the next chunk starts with it). */
  generated(ids: readonly number[], text: string): void {
    this.last = { ids, text };
  }

  /** The cache no longer matches (a turn failed mid-way): the next turn renders everything again. */
  invalidate(): void {
    this.last = undefined;
  }

  /** The chunk to prefill for `append`, and the conversation advanced past it. */
  next(append: readonly Message[], image: PrepareImageOptions): FeedChunk {
    const added = append.map(chatMessage);
    const prepared = append.flatMap((m) =>
      typeof m.content === 'string'
        ? []
        : m.content.flatMap((p) =>
            p.type === 'image' ? [prepareImage(p.image, { ...image, rule: 'processor' })] : [],
          ),
    );
    const conversation = [...this.conversation, ...added];
    const full = this.template.render(conversation, { addGenerationPrompt: true });
    const all = [...this.images, ...prepared];
    const chunk = this.incremental(append, full, prepared) ?? {
      ids: this.tokenizer.encode(
        expandImagePads(
          full,
          all.map((p) => p.numImageTokens),
        ),
      ),
      images: all,
      restart: true,
    };
    this.conversation = conversation;
    this.rendered = full;
    this.images = all;
    this.last = undefined;
    return chunk;
  }

  private incremental(append: readonly Message[], full: string, prepared: PreparedImage[]): FeedChunk | null {
    const last = this.last;
    const head = append[0];
    if (!last || this.conversation.length === 0 || head?.role !== 'assistant') return null;
    if (textOf(head) !== last.text) return null;
    const prefix = this.rendered + last.text;
    // The tail must open with <|im_end|> (a special token): then tokenizing it alone gives the same
    // ids as tokenizing the whole conversation, and it stands for a generated <|im_end|>.
    if (!full.startsWith(prefix) || !full.startsWith(IM_END, prefix.length)) return null;
    const tail = full.slice(prefix.length);
    const lastId = last.ids[last.ids.length - 1];
    const unfed = lastId === undefined || lastId === this.imEndId ? [] : [lastId];
    const ids = [
      ...unfed,
      ...this.tokenizer.encode(
        expandImagePads(
          tail,
          prepared.map((p) => p.numImageTokens),
        ),
      ),
    ];
    return { ids, images: prepared, restart: false };
  }
}
