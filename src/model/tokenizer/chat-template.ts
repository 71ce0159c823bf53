/**
 * Chat template rendering with @huggingface/jinja (HF settings: trim_blocks, lstrip_blocks).
 * The template comes from the model folder when it has one, else the stock Qwen2.5-VL template.
 */
import { DeepEyesError } from '../../base/errors';
import { Template } from '@huggingface/jinja';
import { QWEN25VL_CHAT_TEMPLATE } from './qwen25vl-chat-template';

export type ChatContentPart = { type: 'text'; text: string } | { type: 'image' };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatContentPart[];
}

export interface RenderOptions {
  /** End with the assistant header so the model writes the next turn (default true). */
  addGenerationPrompt?: boolean;
  /** Qwen2.5-VL's "Picture N: " prefixes (default false, as DeepEyes used it). */
  addVisionId?: boolean;
}

/** Where the template text came from, for logs and the trace. */
export type ChatTemplateOrigin =
  'chat_template.jinja' | 'chat_template.json' | 'tokenizer_config.json' | 'stock-qwen2.5-vl';

export class ChatTemplateError extends DeepEyesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('chat_template', message, { cause: options?.cause });
    this.name = 'ChatTemplateError';
  }
}

export class ChatTemplate {
  private readonly template: Template;

  constructor(
    readonly source: string,
    readonly origin: ChatTemplateOrigin = 'stock-qwen2.5-vl',
  ) {
    try {
      this.template = new Template(source);
    } catch (err) {
      throw new ChatTemplateError(
        `the chat template from ${origin} does not parse (${String(err)}); remove it from the model folder ` +
          'to fall back to the stock Qwen2.5-VL template',
        { cause: err },
      );
    }
  }

  static stock(): ChatTemplate {
    return new ChatTemplate(QWEN25VL_CHAT_TEMPLATE, 'stock-qwen2.5-vl');
  }

  render(messages: readonly ChatMessage[], options: RenderOptions = {}): string {
    try {
      return this.template.render({
        messages: messages.map((m) => ({
          role: m.role,
          content: typeof m.content === 'string' ? m.content : m.content.map((c) => ({ ...c })),
        })),
        add_generation_prompt: options.addGenerationPrompt ?? true,
        add_vision_id: options.addVisionId ?? false,
      });
    } catch (err) {
      throw new ChatTemplateError(`rendering the chat template from ${this.origin} failed: ${String(err)}`, {
        cause: err,
      });
    }
  }
}

/** What a model folder may hold; each field is the parsed/loaded file if present. */
export interface ChatTemplateSources {
  /** Text of chat_template.jinja. */
  chatTemplateJinja?: string;
  /** Parsed chat_template.json ({"chat_template": "..."}). */
  chatTemplateJson?: unknown;
  /** Parsed tokenizer_config.json (its `chat_template` is a string or a list of {name, template}). */
  tokenizerConfig?: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fromTokenizerConfig(config: unknown): string | undefined {
  if (!isRecord(config)) return undefined;
  const t = config.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t.filter(isRecord);
    const pick = named.find((x) => x.name === 'default') ?? named[0];
    if (pick && typeof pick.template === 'string') return pick.template;
  }
  return undefined;
}

/**
 * The template a model folder asks for, in the order transformers' processor loads them
 * (chat_template.jinja, then chat_template.json, then tokenizer_config.json), else the stock one.
 */
export function resolveChatTemplate(sources: ChatTemplateSources = {}): ChatTemplate {
  if (typeof sources.chatTemplateJinja === 'string' && sources.chatTemplateJinja.length > 0) {
    return new ChatTemplate(sources.chatTemplateJinja, 'chat_template.jinja');
  }
  const json = sources.chatTemplateJson;
  if (isRecord(json) && typeof json.chat_template === 'string') {
    return new ChatTemplate(json.chat_template, 'chat_template.json');
  }
  const fromConfig = fromTokenizerConfig(sources.tokenizerConfig);
  if (fromConfig !== undefined) return new ChatTemplate(fromConfig, 'tokenizer_config.json');
  return ChatTemplate.stock();
}
