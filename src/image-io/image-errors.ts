/**
 * Why a picture was refused, one class per reason, each with a message that says what to do.
 * `code` is what the UI keys on (and what e2e tests assert); the message is for people.
 */
export abstract class ImageInputError extends Error {
  abstract readonly code: string;
}

export class EmptyFileError extends ImageInputError {
  readonly code = 'empty_file';
  constructor(name = 'the file') {
    super(
      `${name} is empty (0 bytes); pick the image again, or save it to disk first if it came from a web page`,
    );
    this.name = 'EmptyFileError';
  }
}

export class UnsupportedFormatError extends ImageInputError {
  readonly code = 'unsupported_format';
  constructor(
    readonly format: string,
    advice: string,
  ) {
    super(`${format} images are not supported: ${advice}`);
    this.name = 'UnsupportedFormatError';
  }
}

export class TruncatedImageError extends ImageInputError {
  readonly code = 'truncated';
  constructor(format: string, detail: string) {
    super(`this ${format} file is cut short (${detail}); download or copy it again in full`);
    this.name = 'TruncatedImageError';
  }
}

export class DecompressionBombError extends ImageInputError {
  readonly code = 'too_many_pixels';
  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
    /** Set when the size is refused for the file being far too small to hold it. */
    readonly fileBytes?: number,
  ) {
    const mp = `${width}x${height} pixels (${((width * height) / 1e6).toFixed(0)} MP)`;
    super(
      fileBytes === undefined
        ? `the image declares ${mp}, over the ${(maxPixels / 1e6).toFixed(0)} MP this page will decode; downscale it first`
        : `the image declares ${mp} in a file of only ${fileBytes} bytes, far too small for a photo that size ` +
            '(a decompression bomb); it was not decoded. If it is a real picture, re-save it as JPEG',
    );
    this.name = 'DecompressionBombError';
  }
}

export class ExtremeAspectError extends ImageInputError {
  readonly code = 'aspect_ratio';
  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxRatio: number,
  ) {
    super(
      `the image is ${width}x${height}, an aspect ratio over ${maxRatio}:1 that Qwen2.5-VL cannot take; ` +
        'crop it to the part you are asking about',
    );
    this.name = 'ExtremeAspectError';
  }
}

export class UndecodableImageError extends ImageInputError {
  readonly code = 'undecodable';
  constructor(format: string, advice: string) {
    super(`this browser could not decode the ${format} image: ${advice}`);
    this.name = 'UndecodableImageError';
  }
}
