/**
 * The tokenizer and chat template of a model folder. The folder's own template wins; the stock
 * Qwen2.5-VL template is the fallback (resolveChatTemplate).
 */
import { Tokenizer } from '../tokenizer/tokenizer';
import { resolveChatTemplate, type ChatTemplate } from '../tokenizer/chat-template';
import type { ModelFiles } from './model-files';

export interface TextAssets {
  tokenizer: Tokenizer;
  template: ChatTemplate;
}

async function optionalJson(files: ModelFiles, path: string): Promise<unknown> {
  return (await files.exists(path)) ? JSON.parse(await files.readText(path)) : undefined;
}

export async function loadTextAssets(files: ModelFiles): Promise<TextAssets> {
  const tokenizerJson = JSON.parse(await files.readText('tokenizer.json'));
  const tokenizerConfig = await optionalJson(files, 'tokenizer_config.json');
  const chatTemplateJson = await optionalJson(files, 'chat_template.json');
  const chatTemplateJinja = (await files.exists('chat_template.jinja'))
    ? await files.readText('chat_template.jinja')
    : undefined;
  return {
    tokenizer: new Tokenizer(tokenizerJson, tokenizerConfig ?? {}),
    template: resolveChatTemplate({ chatTemplateJinja, chatTemplateJson, tokenizerConfig }),
  };
}
