/**
 * Opening an official eval JSONL with its pictures: the records are listed (the user picks one when
 * there are several), the chosen record's picture is found among the files given with it by the
 * name the record carries, or asked for, then the record becomes a trace shown like any other. A
 * failure leaves the shown trace as it was.
 */
import { MAX_EVAL_JSONL_BYTES, EvalJsonlError, parseEvalJsonl } from '../../agent/trace/deepeyes-jsonl-read';
import { evalRecordTrace } from '../../agent/trace/eval-record-trace';
import type { Trace } from '../../agent/types';
import { toErrorInfo } from '../../base/errors';
import { evalImportStore } from '../../store/eval-import-store';
import { decodeImageBlob } from '../../ui/input/decode';

export function isEvalJsonlName(name: string): boolean {
  return /\.jsonl$/i.test(name);
}

/**
 * Which of the pictures is the record's: the one with the record's `image` name (V* records carry
 * it); the only one given when the record names none; else null (ask the user).
 */
export function pictureFor<T extends { name: string }>(
  imageName: string | undefined,
  pictures: readonly T[],
): T | null {
  if (imageName !== undefined) {
    const base = imageName.split('/').pop()!;
    return pictures.find((p) => p.name === imageName || p.name === base) ?? null;
  }
  return pictures.length === 1 ? pictures[0] : null;
}

export interface EvalImportDeps {
  /** Shows a built trace (as an import). */
  show(trace: Trace): void;
  /** True (and says so) when a run is under way. */
  refusedMidRun(): boolean;
}

export function createEvalImport(deps: EvalImportDeps, store = evalImportStore) {
  const st = () => store.getState();

  async function build(pos: number, picture: File): Promise<void> {
    const { records, fileName } = st();
    const line = records[pos];
    if (!line || !fileName) return;
    st().set({ chosen: pos, busy: true, error: null, needsPicture: false });
    try {
      const decoded = await decodeImageBlob(picture, picture.name);
      decoded.bitmap.close();
      const trace = await evalRecordTrace(line, decoded.rgb, {
        fileName,
        originalSize: { width: decoded.sourceWidth, height: decoded.sourceHeight },
      });
      if (deps.refusedMidRun()) return;
      deps.show(trace);
    } catch (e) {
      st().set({ error: `${picture.name}: ${toErrorInfo(e).message}` });
    } finally {
      st().set({ busy: false });
    }
  }

  return {
    /** A .jsonl among `files` (dropped or picked together); the others are its pictures. */
    async importFiles(files: readonly File[]): Promise<void> {
      if (deps.refusedMidRun()) return;
      const jsonl = files.find((f) => isEvalJsonlName(f.name));
      if (!jsonl) {
        // Only pictures: the one a record is waiting for, or a mistake worth saying.
        if (st().needsPicture && files.length === 1) return this.givePicture(files[0]);
        st().set({ error: 'No .jsonl among the files: pick the eval .jsonl together with its pictures.' });
        return;
      }
      const pictures = files.filter((f) => f !== jsonl && !isEvalJsonlName(f.name));
      try {
        if (jsonl.size > MAX_EVAL_JSONL_BYTES)
          throw new EvalJsonlError(
            `${jsonl.name} is ${(jsonl.size / 2 ** 20).toFixed(0)} MiB; at most ${MAX_EVAL_JSONL_BYTES / 2 ** 20} MiB is read`,
          );
        const { records, problems } = parseEvalJsonl(await jsonl.text());
        st().open(jsonl.name, records, problems, pictures);
      } catch (e) {
        st().open(jsonl.name, [], [], []);
        st().set({ error: `${jsonl.name}: ${toErrorInfo(e).message}` });
        return;
      }
      if (st().records.length === 1) await this.choose(0);
    },

    /** Shows the record at `pos`, or asks for its picture. */
    async choose(pos: number): Promise<void> {
      const { records, pictures } = st();
      const line = records[pos];
      if (!line) return;
      const picture = pictureFor(line.record.image, pictures);
      if (!picture) {
        st().set({ chosen: pos, needsPicture: true, error: null });
        return;
      }
      await build(pos, picture);
    },

    /** The picture the user gave for the chosen record (kept for the file's other records). */
    async givePicture(file: File): Promise<void> {
      const { chosen, pictures } = st();
      if (chosen === null) return;
      st().set({ pictures: [...pictures.filter((p) => p.name !== file.name), file] });
      await build(chosen, file);
    },

    close(): void {
      st().close();
    },
  };
}

export type EvalImport = ReturnType<typeof createEvalImport>;
