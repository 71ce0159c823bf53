/** The question, optional multiple-choice options, and Run / Stop. */
import { useAppStore } from '../../store/store';
import { MAX_OPTIONS } from '../../store/slices/input-slice';
import { useActions } from '../actions';
import './QuestionPanel.css';

const LETTERS = 'ABCDEFGHIJ';

export function QuestionPanel() {
  const question = useAppStore((s) => s.question);
  const options = useAppStore((s) => s.options);
  const status = useAppStore((s) => s.runStatus);
  const runner = useAppStore((s) => s.runner);
  const hasModel = useAppStore((s) => s.activeModelId !== null);
  const hasRecorded = useAppStore((s) => s.trace?.final != null);
  const setQuestion = useAppStore((s) => s.setQuestion);
  const setOption = useAppStore((s) => s.setOption);
  const addOption = useAppStore((s) => s.addOption);
  const removeOption = useAppStore((s) => s.removeOption);
  const actions = useActions();
  const busy = status !== 'idle';
  // Without a model, Run replays the finished trace on screen (and explains itself otherwise).
  const replay = (runner === 'replay' || !hasModel) && hasRecorded;

  return (
    <form
      className="question-panel"
      onSubmit={(e) => {
        e.preventDefault();
        // Leave focus on the page, so space then means play/pause rather than "run again".
        if (document.activeElement instanceof HTMLButtonElement) document.activeElement.blur();
        void actions.run();
      }}
    >
      <label className="field-label" htmlFor="question">
        Question
      </label>
      <textarea
        id="question"
        data-testid="question-input"
        value={question}
        rows={2}
        placeholder="Ask about a small detail in the picture…"
        onChange={(e) => setQuestion(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void actions.run();
          }
        }}
        disabled={busy}
      />
      {options.length > 0 && (
        <ol className="options">
          {options.map((o, i) => (
            <li key={i}>
              <span className="options__letter">{LETTERS[i]}</span>
              <input
                data-testid={`option-input-${i}`}
                value={o}
                onChange={(e) => setOption(i, e.target.value)}
                placeholder={`Option ${LETTERS[i]}`}
                aria-label={`Option ${LETTERS[i]}`}
                disabled={busy}
              />
              <button
                type="button"
                className="icon-button"
                onClick={() => removeOption(i)}
                aria-label={`Remove option ${LETTERS[i]}`}
                disabled={busy}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
      )}
      <div className="question-panel__actions">
        <button
          type="button"
          className="link-button"
          onClick={addOption}
          disabled={busy || options.length >= MAX_OPTIONS}
          data-testid="add-option"
        >
          + {options.length === 0 ? 'Multiple-choice options' : 'Option'}
        </button>
        <span className="spacer" />
        {busy ? (
          <button
            type="button"
            className="button button--stop"
            data-testid="stop-button"
            // Stop takes Run's place: the second click of a double-clicked Run is not a Stop.
            onClick={(e) => e.detail < 2 && actions.stop()}
            disabled={status === 'stopping'}
          >
            {status === 'stopping' ? 'Stopping…' : 'Stop'} <kbd>Esc</kbd>
          </button>
        ) : (
          <button
            type="submit"
            className="button button--run"
            data-testid="run-button"
            title={replay ? 'No model loaded: replays the recorded run' : 'Run the model (Ctrl+Enter)'}
          >
            {replay ? 'Replay' : 'Run'}
          </button>
        )}
      </div>
    </form>
  );
}
