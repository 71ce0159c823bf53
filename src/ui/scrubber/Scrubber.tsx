/** Step scrubber: overview, then each step; play walks through them. */
import { useAppStore } from '../../store/store';
import { playbackStart } from '../../store/step-nav';
import { stepColor } from '../canvas/palette';
import './Scrubber.css';

export function Scrubber() {
  const steps = useAppStore((s) => s.trace?.steps ?? null);
  const selected = useAppStore((s) => s.selectedStep);
  const playing = useAppStore((s) => s.playing);
  const running = useAppStore((s) => s.runStatus !== 'idle');
  const selectStep = useAppStore((s) => s.selectStep);
  const setPlaying = useAppStore((s) => s.setPlaying);
  const stepBy = useAppStore((s) => s.stepBy);
  const count = steps?.length ?? 0;
  const value = selected === null ? 0 : selected + 1;
  const disabled = count === 0 || running;

  const togglePlay = () => {
    if (playing) return setPlaying(false);
    selectStep(playbackStart(selected, count));
    setPlaying(true);
  };

  return (
    <div className="scrubber" data-testid="scrubber">
      <button
        type="button"
        className="icon-button"
        onClick={() => stepBy(-1)}
        disabled={disabled}
        aria-label="Previous step"
        title="Previous step (←)"
      >
        ‹
      </button>
      <button
        type="button"
        className="icon-button play-button"
        data-testid="play-button"
        onClick={togglePlay}
        disabled={disabled}
        aria-label={playing ? 'Pause' : 'Play'}
        title="Play / pause (space)"
      >
        {playing ? '❚❚' : '▶'}
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={() => stepBy(1)}
        disabled={disabled}
        aria-label="Next step"
        title="Next step (→)"
      >
        ›
      </button>
      <div className="scrubber__track">
        <input
          type="range"
          min={0}
          max={Math.max(count, 1)}
          step={1}
          value={value}
          disabled={disabled}
          aria-label="Step"
          aria-valuetext={selected === null ? 'Overview' : `Step ${selected + 1} of ${count}`}
          onChange={(e) => {
            const v = Number(e.target.value);
            setPlaying(false);
            selectStep(v === 0 ? null : v - 1);
          }}
        />
        <div className="scrubber__ticks" aria-hidden="true">
          <span
            className={`scrubber__tick${selected === null ? ' is-on' : ''}`}
            style={{ left: '0%' }}
            onClick={() => !disabled && selectStep(null)}
          >
            All
          </span>
          {steps?.map((s, pos) => (
            <span
              key={s.index}
              className={`scrubber__tick${selected === pos ? ' is-on' : ''}`}
              style={{
                ['--step-color' as string]: stepColor(s.index).fill,
                left: `${((pos + 1) / Math.max(count, 1)) * 100}%`,
              }}
              onClick={() => !disabled && selectStep(pos)}
            >
              {s.index + 1}
              {s.action.kind === 'answer' ? ' ✓' : s.action.kind === 'tool_error' ? ' !' : ''}
            </span>
          ))}
        </div>
      </div>
      <span className="scrubber__pos">
        {count === 0
          ? 'no steps'
          : selected === null
            ? `all ${count} steps`
            : `step ${selected + 1} / ${count}`}
      </span>
    </div>
  );
}
