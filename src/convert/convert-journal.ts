/**
 * The resume journal of a conversion (`<out>/.deepeyes-convert-journal.jsonl`): one JSON line
 * per checkpoint tensor whose pieces reached external data, appended right after the bytes are
 * written. A restarted conversion with the same inputs and settings (same fingerprint) skips
 * those tensors; anything else starts over. Removed when a conversion completes.
 */
import type { PlacedPiece } from './external-data';
import { dirOf, joinPath, type ByteFile, type OutputFolder } from './output';
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
  private at = 0;

  private constructor(
    private readonly folder: OutputFolder,
    private readonly file: ByteFile,
  ) {}

  /**
   * With `resume`, keeps the entries of a journal written under the same fingerprint (and
   * whose bytes are still stored); otherwise starts an empty journal. `folder.prepare()` must
   * already cover the journal and the external-data files it names.
   */
  static async open(folder: OutputFolder, fingerprint: string, resume: boolean): Promise<ConvertJournal> {
    const kept = resume ? readEntries(await folder.read(JOURNAL_FILE), fingerprint, folder) : [];
    const header: JournalHeader = { kind: 'header', version: JOURNAL_VERSION, fingerprint };
    const j = new ConvertJournal(folder, folder.open(JOURNAL_FILE, 'create'));
    j.write([header, ...kept].map((e) => JSON.stringify(e) + '\n').join(''));
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
    this.write(JSON.stringify(entry) + '\n');
  }

  private write(text: string): void {
    const bytes = new TextEncoder().encode(text);
    this.file.write(bytes, this.at);
    this.at += bytes.length;
  }

  close(): void {
    this.file.close();
  }

  remove(): void {
    this.file.close();
    this.folder.remove(JOURNAL_FILE);
  }
}

function readEntries(bytes: Uint8Array | null, fingerprint: string, folder: OutputFolder): JournalTensor[] {
  if (!bytes) return [];
  const lines = new TextDecoder().decode(bytes).split('\n');
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
  return dropMissingBytes(entries, folder);
}

/** Keeps, per .onnx file, the entries before the first piece whose bytes are not stored. */
function dropMissingBytes(entries: JournalTensor[], folder: OutputFolder): JournalTensor[] {
  const broken = new Set<string>();
  const out: JournalTensor[] = [];
  for (const e of entries) {
    if (broken.has(e.file)) continue;
    const dir = dirOf(e.file);
    const ok = e.pieces.every((p) => folder.size(joinPath(dir, p.location)) >= p.offset + p.length);
    if (ok) out.push(e);
    else broken.add(e.file);
  }
  return out;
}
