/** Browser-safe tokenizer API (the Node-only test tokenizer lives in node-test-tokenizer.ts). */
export { Tokenizer, TokenizerLoadError, TokenizerInputError, type DecodeOptions } from './tokenizer';
export { StreamDetokenizer } from './stream-detokenizer';
export {
  ChatTemplate,
  ChatTemplateError,
  resolveChatTemplate,
  type ChatContentPart,
  type ChatMessage,
  type ChatTemplateOrigin,
  type ChatTemplateSources,
  type RenderOptions,
} from './chat-template';
export { QWEN25VL_CHAT_TEMPLATE, QWEN25VL_CHAT_TEMPLATE_SHA256 } from './qwen25vl-chat-template';
