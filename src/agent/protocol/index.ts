/** The DeepEyes wire protocol: prompts, tool-response chunks, parsing of the model's turns. */
export * from './prompts';
export * from './chunks';
export * from './tool-call';
export * from './parse';
export * from './segmenter';
