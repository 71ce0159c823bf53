/**
 * What a download response must satisfy before any of its bytes are kept: an OK status (206 for a
 * resumed file, with a Content-Range that starts where we asked), not an HTML page, and a length
 * that matches the manifest. Also which failures are worth another try.
 */
import type { ManifestFile } from '../base/model-manifest';
import {
  DeliveryError,
  HtmlInsteadOfFileError,
  HttpStatusError,
  LengthMismatchError,
  NetworkError,
  RangeMismatchError,
  StorageBusyError,
} from './errors';
import { isHtmlContentType, parseContentRange } from './http';

/** Validates status, type and length before a byte is kept; returns where the body starts. */
export function checkResponse(res: Response, url: string, file: ManifestFile, offset: number): number {
  const refuse = (err: DeliveryError): never => {
    void res.body?.cancel().catch(() => undefined);
    throw err;
  };
  if (res.status === 416) {
    refuse(new LengthMismatchError(file.path, file.bytes, offset, "the server's file (at most)"));
  }
  if (!res.ok) refuse(new HttpStatusError(url, res.status, file.path));
  if (res.status !== 200 && res.status !== 206) refuse(new HttpStatusError(url, res.status, file.path));
  if (isHtmlContentType(res.headers.get('content-type'))) refuse(new HtmlInsteadOfFileError(url, file.path));
  let start = 0;
  let expectedLength = file.bytes;
  if (res.status === 206) {
    const header = res.headers.get('content-range');
    const range = parseContentRange(header);
    // Content-Range is hidden from cross-origin reads unless the server exposes it; the length check still runs.
    if (header !== null && !range) refuse(new RangeMismatchError(file.path, offset, header));
    if (range) {
      if (range.start !== offset) refuse(new RangeMismatchError(file.path, offset, header!));
      if (range.total !== undefined && range.total !== file.bytes) {
        refuse(new LengthMismatchError(file.path, file.bytes, range.total, "the server's file"));
      }
      expectedLength = range.end - range.start + 1;
      if (range.end >= file.bytes)
        refuse(new LengthMismatchError(file.path, file.bytes, range.end + 1, "the server's file"));
    } else {
      expectedLength = file.bytes - offset;
    }
    start = offset;
  }
  // A compressed body's Content-Length counts compressed bytes, and a cross-origin response hides
  // Content-Encoding unless exposed: trust the header only when the encoding is known to be none.
  // The body's own length is checked as it streams either way.
  const encoding = res.headers.get('content-encoding');
  const identity =
    encoding !== null
      ? encoding.toLowerCase() === 'identity'
      : res.type === 'basic' || res.type === 'default';
  const declared = res.headers.get('content-length');
  if (declared !== null && identity) {
    const n = Number(declared);
    const ok = res.status === 206 ? n === expectedLength : n === file.bytes;
    if (!ok) {
      refuse(
        new LengthMismatchError(file.path, file.bytes, res.status === 206 ? start + n : n, 'the response'),
      );
    }
  }
  return start;
}

/** Network failures arrive as TypeError (fetch, body streams); those are worth another try. */
export function asDeliveryError(e: unknown, path: string): DeliveryError | null {
  if (e instanceof DeliveryError) return e;
  if (e instanceof TypeError) return new NetworkError(path, e.message);
  const name = (e as { name?: string } | null)?.name;
  if (name === 'NetworkError') return new NetworkError(path, String(e));
  // An OPFS file is locked while another context holds a sync access handle on it.
  if (name === 'NoModificationAllowedError') return new StorageBusyError(path);
  return null;
}
