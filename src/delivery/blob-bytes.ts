/**
 * A whole model file as bytes. Chromium's Blob.arrayBuffer() reports a buffer it could not
 * allocate as a NotReadableError ("typically due to permission problems"), the very error of a
 * file changed under it (seen loading a 441 MiB file in a renderer held to 400 MiB more than it
 * had: e2e/out-of-memory.spec.ts). On that error the file is read once more into a buffer
 * allocated here, so a memory failure surfaces as the engine's own RangeError ("Array buffer
 * allocation failed"), which model/backend/gpu-errors.ts types as out of memory with the model's
 * needs; any other cause fails the second read as it failed the first.
 */
export async function blobBytes(blob: Blob): Promise<Uint8Array> {
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'NotReadableError')) throw e;
  }
  const out = new Uint8Array(blob.size);
  let at = 0;
  const reader = blob.stream().getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    out.set(r.value, at);
    at += r.value.length;
  }
  return out;
}
