/**
 * Ids in, text deltas out, one token at a time, without splitting a UTF-8 character.
 *
 * Byte-level BPE tokens can end in the middle of a multi-byte character (a CJK character or an
 * emoji is often 2-3 tokens). Decoding each token alone would print U+FFFD. Instead we decode a
 * small window that starts at the last emitted boundary and hold text back while it ends in an
 * incomplete character (U+FFFD at the end). The window is reset after every emission, so the work
 * per token stays small however long the generation is.
 */
const REPLACEMENT = '\uFFFD';

export class StreamDetokenizer {
  /** Ids from the start of the current window (already-emitted context + pending). */
  private window: number[] = [];
  /** Ids of `window` whose text was already emitted. */
  private emittedInWindow = 0;
  /** Text of window[0, emittedInWindow). */
  private emittedText = '';
  private allText = '';

  constructor(private readonly decodeIds: (ids: readonly number[]) => string) {}

  /** Feed one id; returns the new text it completes (often '' while a character is incomplete). */
  push(id: number): string {
    this.window.push(id);
    const text = this.decodeIds(this.window);
    if (text.length <= this.emittedText.length || text.endsWith(REPLACEMENT)) return '';
    // Byte-level decoding only appends at character boundaries, so the emitted text is a prefix.
    const delta = text.slice(this.emittedText.length);
    this.restartWindowAfter(id);
    return this.emit(delta);
  }

  /** Feed several ids; returns the concatenated delta. */
  pushAll(ids: Iterable<number>): string {
    let out = '';
    for (const id of ids) out += this.push(id);
    return out;
  }

  /**
   * End of generation: emit whatever is held back (an incomplete character becomes U+FFFD, as a
   * full decode would show it).
   */
  flush(): string {
    if (this.window.length === this.emittedInWindow) return '';
    const text = this.decodeIds(this.window);
    const delta = text.slice(this.emittedText.length);
    this.window = [];
    this.emittedInWindow = 0;
    this.emittedText = '';
    return this.emit(delta);
  }

  /** Everything emitted so far. */
  get text(): string {
    return this.allText;
  }

  private emit(delta: string): string {
    this.allText += delta;
    return delta;
  }

  /**
   * Start a new window holding only the last token as context (decoders such as Metaspace look at
   * the neighbour to place spaces); without context when that token alone is not valid text.
   */
  private restartWindowAfter(id: number): void {
    const alone = this.decodeIds([id]);
    if (alone.includes(REPLACEMENT)) {
      this.window = [];
      this.emittedInWindow = 0;
      this.emittedText = '';
    } else {
      this.window = [id];
      this.emittedInWindow = 1;
      this.emittedText = alone;
    }
  }
}
