/**
 * Opening an official DeepEyes eval JSONL: the button (several files at once: the .jsonl and its
 * pictures), the list of its records to pick from, the lines that were not records, and the
 * request for a picture the files did not include.
 */
import { useRef } from 'react';
import { recordSummary } from '../../agent/trace/deepeyes-jsonl-read';
import { useEvalImportStore } from '../../store/eval-import-store';
import { useAppStore } from '../../store/store';
import { useActions } from '../actions';
import './EvalImportPanel.css';

function FilesInput({
  inputRef,
  accept,
  multiple,
  testId,
  onFiles,
}: {
  inputRef: React.RefObject<HTMLInputElement | null>;
  accept: string;
  multiple: boolean;
  testId: string;
  onFiles: (files: File[]) => void;
}) {
  return (
    <input
      ref={inputRef}
      type="file"
      accept={accept}
      multiple={multiple}
      hidden
      data-testid={testId}
      onChange={(e) => {
        const files = Array.from(e.target.files ?? []);
        e.target.value = '';
        if (files.length) onFiles(files);
      }}
    />
  );
}

export function EvalImportPanel() {
  const actions = useActions();
  const busyRun = useAppStore((s) => s.runStatus !== 'idle');
  const fileName = useEvalImportStore((s) => s.fileName);
  const records = useEvalImportStore((s) => s.records);
  const problems = useEvalImportStore((s) => s.problems);
  const chosen = useEvalImportStore((s) => s.chosen);
  const needsPicture = useEvalImportStore((s) => s.needsPicture);
  const busy = useEvalImportStore((s) => s.busy);
  const error = useEvalImportStore((s) => s.error);
  const jsonlRef = useRef<HTMLInputElement | null>(null);
  const pictureRef = useRef<HTMLInputElement | null>(null);
  const waiting = chosen !== null ? records[chosen] : undefined;

  return (
    <section className="eval-import" aria-label="Official eval JSONL" data-testid="eval-import">
      <div className="eval-import__bar">
        <span className="field-label">Eval JSONL</span>
        <button
          type="button"
          className="link-button"
          data-testid="eval-open"
          disabled={busyRun}
          title="The .jsonl written by the DeepEyes evaluation (eval_vstar.py, eval_hrbench.py) or by npm run evaluate, with its pictures: pick them together"
          onClick={() => jsonlRef.current?.click()}
        >
          Open a .jsonl and its pictures…
        </button>
        {fileName && (
          <button
            type="button"
            className="link-button eval-import__close"
            data-testid="eval-close"
            onClick={() => actions.closeEvalImport()}
          >
            Close
          </button>
        )}
        <FilesInput
          inputRef={jsonlRef}
          accept=".jsonl,image/*"
          multiple
          testId="eval-input"
          onFiles={(files) => void actions.importEvalFiles(files)}
        />
        <FilesInput
          inputRef={pictureRef}
          accept="image/*"
          multiple={false}
          testId="eval-picture-input"
          onFiles={([file]) => void actions.giveEvalPicture(file)}
        />
      </div>
      {fileName && records.length > 0 && (
        <p className="eval-import__file" data-testid="eval-file">
          {fileName}: {records.length} record{records.length === 1 ? '' : 's'}
          {busy ? ' · reading the picture…' : ''}
        </p>
      )}
      {error && (
        <p className="eval-import__error" role="alert" data-testid="eval-error">
          {error}
        </p>
      )}
      {problems.length > 0 && (
        <div className="eval-import__error" role="alert" data-testid="eval-problems">
          {problems.length} line{problems.length === 1 ? ' is' : 's are'} not a record and{' '}
          {problems.length === 1 ? 'was' : 'were'} skipped:
          <ul>
            {problems.slice(0, 5).map((p) => (
              <li key={p}>{p}</li>
            ))}
            {problems.length > 5 && <li>… and {problems.length - 5} more</li>}
          </ul>
        </div>
      )}
      {needsPicture && waiting && (
        <div className="eval-import__ask" data-testid="eval-needs-picture">
          <span>
            {waiting.record.image
              ? `Line ${waiting.line} was run on “${waiting.record.image}”, which was not among the files. Open that picture to see its boxes.`
              : `Line ${waiting.line} does not name its picture. Open the picture it was run on.`}
          </span>
          <button
            type="button"
            className="button button--ghost"
            data-testid="eval-picture-open"
            onClick={() => pictureRef.current?.click()}
          >
            Open the picture…
          </button>
        </div>
      )}
      {records.length > 1 && (
        <ol className="eval-import__records" data-testid="eval-records">
          {records.map((r, pos) => (
            <li key={r.line}>
              <button
                type="button"
                className={`eval-import__record${pos === chosen ? ' is-on' : ''}`}
                data-testid={`eval-record-${pos}`}
                aria-pressed={pos === chosen}
                disabled={busy || busyRun}
                onClick={() => void actions.chooseEvalRecord(pos)}
              >
                {recordSummary(r)}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
