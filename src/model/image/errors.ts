/** Typed failures of image preprocessing. Bad model output (boxes) is never an exception: see crop.ts. */
import { DeepEyesError } from '../../base/errors';

export class AspectRatioError extends DeepEyesError {
  constructor(
    readonly height: number,
    readonly width: number,
    readonly maxRatio: number,
  ) {
    super(
      'aspect_ratio',
      `image ${width}x${height} has an aspect ratio of ${(Math.max(height, width) / Math.min(height, width)).toFixed(1)}, ` +
        `over the ${maxRatio} Qwen2.5-VL accepts; crop or pad it to a less elongated shape`,
    );
    this.name = 'AspectRatioError';
  }
}

export class ImageSizeError extends DeepEyesError {
  constructor(message: string) {
    super('image_size', `${message}; check the decoded image (width, height and data length must agree)`);
    this.name = 'ImageSizeError';
  }
}

export class GridError extends DeepEyesError {
  constructor(message: string) {
    super(
      'image_grid',
      `${message}; grid_thw must come from smart_resize (sizes divisible by patch_size * merge_size)`,
    );
    this.name = 'GridError';
  }
}
