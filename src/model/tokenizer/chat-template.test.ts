import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GoldenSet } from '../../../test/support/golden-set';
import { ChatTemplate, ChatTemplateError, resolveChatTemplate } from './chat-template';
import { QWEN25VL_CHAT_TEMPLATE, QWEN25VL_CHAT_TEMPLATE_SHA256 } from './qwen25vl-chat-template';

const golden = GoldenSet.publicSet();
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('stock Qwen2.5-VL chat template', () => {
  it('is byte-for-byte the golden chat_template.jinja', () => {
    expect(QWEN25VL_CHAT_TEMPLATE.length).toBe(1017);
    expect(sha256(QWEN25VL_CHAT_TEMPLATE)).toBe(
      'a0bc6f6fc7a29a80017a433e8f03a1cc1236e838a944a2d034295a60c4f2fddb',
    );
    expect(QWEN25VL_CHAT_TEMPLATE_SHA256).toBe(sha256(QWEN25VL_CHAT_TEMPLATE));
    expect(QWEN25VL_CHAT_TEMPLATE).toBe(golden.text('chat_template.jinja'));
  });

  it('renders plain chat like transformers (default system prompt, generation prompt)', () => {
    const out = ChatTemplate.stock().render([{ role: 'user', content: 'hi' }]);
    expect(out).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('renders images as one pad between vision markers, with optional vision ids', () => {
    const msgs = [
      { role: 'user' as const, content: [{ type: 'image' as const }, { type: 'text' as const, text: 'q' }] },
    ];
    expect(ChatTemplate.stock().render(msgs, { addGenerationPrompt: false })).toContain(
      '<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>q<|im_end|>\n',
    );
    expect(ChatTemplate.stock().render(msgs, { addVisionId: true })).toContain('Picture 1: <|vision_start|>');
  });
});

describe('resolveChatTemplate', () => {
  const t = (s: string) => `{{ '${s}' }}`;
  it('prefers chat_template.jinja, then chat_template.json, then tokenizer_config.json', () => {
    const all = {
      chatTemplateJinja: t('jinja'),
      chatTemplateJson: { chat_template: t('json') },
      tokenizerConfig: { chat_template: t('config') },
    };
    expect(resolveChatTemplate(all).render([])).toBe('jinja');
    expect(resolveChatTemplate({ ...all, chatTemplateJinja: undefined }).origin).toBe('chat_template.json');
    expect(resolveChatTemplate({ tokenizerConfig: all.tokenizerConfig }).render([])).toBe('config');
  });

  it('reads the named-list form of tokenizer_config chat_template', () => {
    const config = {
      chat_template: [
        { name: 'tool_use', template: t('tools') },
        { name: 'default', template: t('d') },
      ],
    };
    expect(resolveChatTemplate({ tokenizerConfig: config }).render([])).toBe('d');
  });

  it('falls back to the stock template', () => {
    const r = resolveChatTemplate({ tokenizerConfig: { model_max_length: 1 } });
    expect(r.origin).toBe('stock-qwen2.5-vl');
    expect(r.source).toBe(QWEN25VL_CHAT_TEMPLATE);
  });

  it('reports a template that does not parse', () => {
    expect(() => resolveChatTemplate({ chatTemplateJinja: '{% for x in %}' })).toThrow(ChatTemplateError);
  });
});
