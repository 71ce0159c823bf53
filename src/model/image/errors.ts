/** Typed failures of image preprocessing. Bad model output (boxes) is never an exception: see crop.ts. */

export class AspectRatioError extends Error {
  constructor(
    readonly height: number,
    readonly width: number,
    readonly maxRatio: number,
  ) {
    super(
      `image ${width}x${height} has an aspect ratio of ${(Math.max(height, width) / Math.min(height, width)).toFixed(1)}, ` +
        `over the ${maxRatio} Qwen2.5-VL accepts; crop or pad it to a less elongated shape`,
    );
    this.name = 'AspectRatioError';
  }
}

export class ImageSizeError extends Error {
  constructor(message: string) {
    super(`${message}; check the decoded image (width, height and data length must agree)`);
    this.name = 'ImageSizeError';
  }
}

export class GridError extends Error {
  constructor(message: string) {
    super(`${message}; grid_thw must come from smart_resize (sizes divisible by patch_size * merge_size)`);
    this.name = 'GridError';
  }
}
