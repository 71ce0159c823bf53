/**
 * Stop strings over streamed text: emit what cannot be the start of a stop string, hold back the
 * rest, and cut the text where a stop string appears (OpenAI semantics: the stop string is not
 * part of the answer).
 */
export class StopMatcher {
  private held = '';
  stopped: string | undefined;

  constructor(private readonly stops: readonly string[]) {}

  /** The text safe to send after `delta`; sets `stopped` when a stop string was completed. */
  push(delta: string): string {
    if (this.stopped !== undefined) return '';
    const text = this.held + delta;
    let cut = -1;
    for (const s of this.stops) {
      const at = text.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
        this.stopped = s;
      }
    }
    if (cut >= 0) {
      this.held = '';
      return text.slice(0, cut);
    }
    let keep = 0;
    for (const s of this.stops)
      for (let k = Math.min(s.length - 1, text.length); k > keep; k--)
        if (text.endsWith(s.slice(0, k))) {
          keep = k;
          break;
        }
    this.held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** What was held back, at the end of generation. */
  flush(): string {
    const h = this.stopped === undefined ? this.held : '';
    this.held = '';
    return h;
  }
}
