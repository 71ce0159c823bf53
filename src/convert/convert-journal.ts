/**
 * The resume journal of a conversion (`<out>/.deepeyes-convert-journal.jsonl`): one JSON line
 * per checkpoint tensor whose pieces reached external data, appended right after the bytes are
 * written. A restarted conversion with the same inputs and settings (same fingerprint) skips
 * those tensors; anything else starts over. Removed when a conversion completes.
 */
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlacedPiece } from './external-data';
import type { QuantError } from './quant/q4';

export const JOURNAL_FILE = '.deepeyes-convert-journal.jsonl';
const JOURNAL_VERSION = 1;

export interface JournalTensor {
  kind: 'tensor';
  /** The .onnx file, relative to the output folder. */
  file: string;
  tensor: string;
  /** Its pieces that went to external data, in write order. */
  pieces: PlacedPiece[];
  /** True when every piece is external (then the tensor need not be converted again). */
  complete: boolean;
  error?: QuantError;
}

interface JournalHeader {
  kind: 'header';
  version: number;
  fingerprint: string;
}

export class ConvertJournal {
  private readonly entries: JournalTensor[] = [];

  private constructor(private readonly path: string) {}

  /**
   * With `resume`, keeps the entries of a journal written under the same fingerprint (and
   * whose bytes are still on disk); otherwise starts an empty journal.
   */
  static open(outDir: string, fingerprint: string, resume: boolean): ConvertJournal {
    const j = new ConvertJournal(join(outDir, JOURNAL_FILE));
    const kept = resume ? readEntries(j.path, fingerprint) : [];
    const header: JournalHeader = { kind: 'header', version: JOURNAL_VERSION, fingerprint };
    writeFileSync(j.path, [header, ...kept].map((e) => JSON.stringify(e) + '\n').join(''));
    j.entries.push(...kept);
    return j;
  }

  /** Pieces recorded for `file`, in write order (the sink appends after the last one). */
  piecesOf(file: string): PlacedPiece[] {
    return this.entries.filter((e) => e.file === file).flatMap((e) => e.pieces);
  }

  /** The entry of a tensor that need not be converted again. */
  completed(file: string, tensor: string): JournalTensor | undefined {
    return this.entries.find((e) => e.file === file && e.tensor === tensor && e.complete);
  }

  get size(): number {
    return this.entries.length;
  }

  append(entry: JournalTensor): void {
    this.entries.push(entry);
    appendFileSync(this.path, JSON.stringify(entry) + '\n');
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

function readEntries(path: string, fingerprint: string): JournalTensor[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  let header: JournalHeader | undefined;
  const entries: JournalTensor[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    let v: JournalHeader | JournalTensor;
    try {
      v = JSON.parse(line);
    } catch {
      break; // a line cut short by a crash ends the usable journal
    }
    if (v.kind === 'header') header = v;
    else if (v.kind === 'tensor') entries.push(v);
  }
  if (!header || header.version !== JOURNAL_VERSION || header.fingerprint !== fingerprint) return [];
  return dropMissingBytes(entries, path);
}

/** Keeps, per .onnx file, the entries before the first piece whose bytes are not on disk. */
function dropMissingBytes(entries: JournalTensor[], journalPath: string): JournalTensor[] {
  const root = join(journalPath, '..');
  const broken = new Set<string>();
  const out: JournalTensor[] = [];
  for (const e of entries) {
    if (broken.has(e.file)) continue;
    const dir = join(root, e.file, '..');
    const ok = e.pieces.every((p) => {
      const f = join(dir, p.location);
      return existsSync(f) && statSync(f).size >= p.offset + p.length;
    });
    if (ok) out.push(e);
    else broken.add(e.file);
  }
  return out;
}
