/**
 * Incremental SHA-256 (FIPS 180-4). WebCrypto only digests a whole buffer at once, and a weight
 * chunk arrives as a stream of small pieces (and resumes across page loads), so the download
 * hashes as it writes. No incremental SHA-256 package is installed; this file is the one place
 * to swap for one (e.g. `@noble/hashes/sha2`'s `sha256.create()`): callers only use
 * `createSha256()` and the `IncrementalHash` shape.
 */
export interface IncrementalHash {
  update(bytes: Uint8Array): IncrementalHash;
  /** Lowercase hex; the hash cannot be updated afterwards. */
  digestHex(): string;
}

export function createSha256(): IncrementalHash {
  return new Sha256();
}

// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

class Sha256 implements IncrementalHash {
  private readonly h = new Int32Array(INITIAL);
  private readonly w = new Int32Array(64);
  /** Bytes of a partial 64-byte block carried to the next update. */
  private readonly tail = new Uint8Array(64);
  private tailLength = 0;
  /** Total message length in bytes (a double is exact up to 2^53, far past any file here). */
  private length = 0;
  private finished = false;

  update(bytes: Uint8Array): IncrementalHash {
    if (this.finished) throw new Error('sha256: update() after digestHex()');
    this.length += bytes.length;
    let at = 0;
    if (this.tailLength > 0) {
      const take = Math.min(64 - this.tailLength, bytes.length);
      this.tail.set(bytes.subarray(0, take), this.tailLength);
      this.tailLength += take;
      at = take;
      if (this.tailLength < 64) return this;
      this.blocks(this.tail, 0, 64);
      this.tailLength = 0;
    }
    const whole = (bytes.length - at) & ~63;
    if (whole > 0) this.blocks(bytes, at, at + whole);
    at += whole;
    if (at < bytes.length) {
      this.tail.set(bytes.subarray(at), 0);
      this.tailLength = bytes.length - at;
    }
    return this;
  }

  digestHex(): string {
    if (this.finished) throw new Error('sha256: digestHex() called twice');
    this.finished = true;
    const bitLength = this.length * 8;
    const pad = new Uint8Array(this.tailLength < 56 ? 64 : 128);
    pad.set(this.tail.subarray(0, this.tailLength));
    pad[this.tailLength] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, Math.floor(bitLength / 2 ** 32));
    view.setUint32(pad.length - 4, bitLength >>> 0);
    this.blocks(pad, 0, pad.length);
    let hex = '';
    for (const word of this.h) hex += (word >>> 0).toString(16).padStart(8, '0');
    return hex;
  }

  /** Compresses the 64-byte blocks of `data[from, to)` into the state. */
  private blocks(data: Uint8Array, from: number, to: number): void {
    const w = this.w;
    const h = this.h;
    let h0 = h[0],
      h1 = h[1],
      h2 = h[2],
      h3 = h[3],
      h4 = h[4],
      h5 = h[5],
      h6 = h[6],
      h7 = h[7];
    for (let p = from; p < to; p += 64) {
      for (let i = 0; i < 16; i++) {
        const j = p + i * 4;
        w[i] = (data[j] << 24) | (data[j + 1] << 16) | (data[j + 2] << 8) | data[j + 3];
      }
      for (let i = 16; i < 64; i++) {
        const a = w[i - 15];
        const b = w[i - 2];
        const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let a = h0,
        b = h1,
        c = h2,
        d = h3,
        e = h4,
        f = h5,
        g = h6,
        hh = h7;
      for (let i = 0; i < 64; i++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = (e & f) ^ (~e & g);
        const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (S0 + maj) | 0;
        hh = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0;
      h5 = (h5 + f) | 0;
      h6 = (h6 + g) | 0;
      h7 = (h7 + hh) | 0;
    }
    h[0] = h0;
    h[1] = h1;
    h[2] = h2;
    h[3] = h3;
    h[4] = h4;
    h[5] = h5;
    h[6] = h6;
    h[7] = h7;
  }
}
