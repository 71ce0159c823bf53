/**
 * Reading a trace file the user imports: untrusted input that must not freeze or blank the page.
 * The size is checked before a byte is read, the JSON is validated (schema, image headers: see
 * parseTrace), and every embedded image is decoded once before the trace is shown, so a picture
 * that cannot be decoded is a message, not an empty canvas.
 */
import { DeepEyesError } from '../../base/errors';
import { checkTraceFileSize, embeddedImages, parseTrace } from '../../agent/trace/trace-io';
import type { Trace } from '../../agent/types';

export class TraceImageDecodeError extends DeepEyesError {
  constructor(where: string, cause: unknown) {
    super('trace_image_undecodable', `the trace's ${where} cannot be decoded as an image`, {
      cause,
      advice: 'The file is damaged or was not made by DeepEyes: export the trace again from the app.',
    });
  }
}

/** Decodes an image data URL and lets go of the pixels; throws when the browser cannot decode it. */
export type ImageCheck = (dataUrl: string) => Promise<void>;

export const browserImageCheck: ImageCheck = async (dataUrl) => {
  // Outside a browser (Node tests, CLIs) there is no canvas to leave blank.
  if (typeof createImageBitmap === 'undefined') return;
  // From the base64 itself: fetch() of a data: URL is a connection under the page's CSP.
  // PNG (older traces) or JPEG: the schema admitted only those two prefixes.
  const comma = dataUrl.indexOf(',');
  const mime = dataUrl.slice('data:'.length, dataUrl.indexOf(';'));
  const bin = atob(dataUrl.slice(comma + 1));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const bitmap = await createImageBitmap(new Blob([bytes], { type: mime }));
  bitmap.close();
};

export async function readTraceFile(file: Blob, check: ImageCheck = browserImageCheck): Promise<Trace> {
  checkTraceFileSize(file.size);
  const trace = parseTrace(await file.text());
  for (const { where, dataUrl } of embeddedImages(trace)) {
    try {
      await check(dataUrl);
    } catch (e) {
      throw new TraceImageDecodeError(where, e);
    }
  }
  return trace;
}
