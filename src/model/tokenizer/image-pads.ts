/**
 * The image placeholder of the Qwen2.5-VL chat template and its expansion: the template writes one
 * `<|image_pad|>` per image; the prompt holds one per merged 28x28 patch. Here (below the agent)
 * because the engine renders and expands messages itself.
 */
import { DeepEyesError } from '../../base/errors';

export const IMAGE_PAD = '<|image_pad|>';
export const IM_START = '<|im_start|>';
export const IM_END = '<|im_end|>';

/** A prompt that cannot be built from what was given (too many options, pads and images that differ). */
export class PromptInputError extends DeepEyesError {
  constructor(message: string) {
    super('prompt_input', message, {
      advice: 'Check the question, its options and the images sent with it.',
    });
  }
}

/**
 * Replace the i-th `<|image_pad|>` by padCounts[i] copies (one per merged 28x28 patch,
 * t*h*w/4). Tokenizing the expanded text gives the same ids as expanding the pad id.
 */
export function expandImagePads(text: string, padCounts: readonly number[]): string {
  const parts = text.split(IMAGE_PAD);
  if (parts.length - 1 !== padCounts.length) {
    throw new PromptInputError(
      `the text has ${parts.length - 1} image pads but ${padCounts.length} counts were given`,
    );
  }
  let out = parts[0];
  padCounts.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1)
      throw new PromptInputError(`image ${i} has ${n} tokens; expected an integer >= 1`);
    out += IMAGE_PAD.repeat(n) + parts[i + 1];
  });
  return out;
}
