/**
 * What the model side wants the user to know without it being a failure (running from memory,
 * big images downscaled, reloaded on a safer path): one line each, each dismissible. They live in
 * their own store slice, so they never hide an error or each other.
 */
import { useAppStore } from '../../store/store';

export function RunNotices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="run-notices">
      {notices.map((n) => (
        <div key={n.code} className="notice" role="status" data-testid="run-notice" data-code={n.code}>
          <span>{n.message}</span>
          <button type="button" className="icon-button" onClick={() => dismiss(n.code)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
