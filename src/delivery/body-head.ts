/** Enough of a body's start to tell an HTML document from a model file (see looksLikeHtml). */
export const SNIFF_BYTES = 64;

/**
 * Holds the first bytes of a from-zero body, however the network chunks them, until there are
 * enough to sniff, so an HTML page is refused before any of it is stored.
 */
export class BodyHead {
  private held: Uint8Array[] = [];
  private bytes = 0;

  constructor(private readonly limit = SNIFF_BYTES) {}

  /** Adds a chunk; once `limit` bytes are held, returns them all joined, else null. */
  push(chunk: Uint8Array): Uint8Array | null {
    this.held.push(chunk);
    this.bytes += chunk.length;
    return this.bytes >= this.limit ? this.release() : null;
  }

  /** Everything held, joined in order (for a body that ended before `limit`), and holds nothing more. */
  release(): Uint8Array {
    const joined = new Uint8Array(this.bytes);
    let at = 0;
    for (const c of this.held) {
      joined.set(c, at);
      at += c.length;
    }
    this.held = [];
    this.bytes = 0;
    return joined;
  }
}
