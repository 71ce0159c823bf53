/**
 * Why a picture was refused, one class per reason, each with a message that says what to do.
 * `code` is what the UI keys on (and what e2e tests assert); the message is for people.
 */
import { DeepEyesError } from '../base/errors';
export abstract class ImageInputError extends DeepEyesError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class EmptyFileError extends ImageInputError {
  constructor(name = 'the file') {
    super(
      'empty_file',
      `${name} is empty (0 bytes); pick the image again, or save it to disk first if it came from a web page`,
    );
    this.name = 'EmptyFileError';
  }
}

export class UnsupportedFormatError extends ImageInputError {
  constructor(
    readonly format: string,
    advice: string,
  ) {
    super('unsupported_format', `${format} images are not supported: ${advice}`);
    this.name = 'UnsupportedFormatError';
  }
}

export class TruncatedImageError extends ImageInputError {
  constructor(format: string, detail: string) {
    super('truncated', `this ${format} file is cut short (${detail}); download or copy it again in full`);
    this.name = 'TruncatedImageError';
  }
}

export class DecompressionBombError extends ImageInputError {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
    /** Set when the size is refused for the file being far too small to hold it. */
    readonly fileBytes?: number,
  ) {
    const mp = `${width}x${height} pixels (${((width * height) / 1e6).toFixed(0)} MP)`;
    super(
      'too_many_pixels',
      fileBytes === undefined
        ? `the image declares ${mp}, over the ${(maxPixels / 1e6).toFixed(0)} MP this page will decode; downscale it first`
        : `the image declares ${mp} in a file of only ${fileBytes} bytes, far too small for a photo that size ` +
            '(a decompression bomb); it was not decoded. If it is a real picture, re-save it as JPEG',
    );
    this.name = 'DecompressionBombError';
  }
}

export class ExtremeAspectError extends ImageInputError {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxRatio: number,
  ) {
    super(
      'aspect_ratio',
      `the image is ${width}x${height}, an aspect ratio over ${maxRatio}:1 that Qwen2.5-VL cannot take; ` +
        'crop it to the part you are asking about',
    );
    this.name = 'ExtremeAspectError';
  }
}

export class UndecodableImageError extends ImageInputError {
  constructor(format: string, advice: string) {
    super('undecodable', `this browser could not decode the ${format} image: ${advice}`);
    this.name = 'UndecodableImageError';
  }
}
