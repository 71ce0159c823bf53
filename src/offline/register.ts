/**
 * Registers the offline service worker (production builds only; see scripts/vite-offline.ts) and
 * tells the user about updates: one downloaded and waiting for the next visit, or one that took
 * over since the last visit. The notice is a plain status element so it works before, and
 * independently of, the React tree.
 */
import { Workbox } from 'workbox-window';
import { LAST_BUILD_KEY, noticeOnLoad, noticeOnWaiting, type UpdateNotice } from './update-notice';

declare const __DEEPEYES_BUILD_ID__: string;

function showNotice(notice: UpdateNotice): void {
  if (notice.kind === 'none') return;
  const el = document.createElement('div');
  el.setAttribute('role', 'status');
  el.dataset.testid = 'update-notice';
  el.dataset.kind = notice.kind;
  el.textContent = notice.text;
  Object.assign(el.style, {
    position: 'fixed',
    bottom: '12px',
    left: '50%',
    transform: 'translateX(-50%)',
    padding: '8px 14px',
    borderRadius: '6px',
    background: '#222',
    color: '#fff',
    font: '13px system-ui, sans-serif',
    zIndex: '1000',
    cursor: 'pointer',
  });
  el.title = 'Click to dismiss';
  el.addEventListener('click', () => el.remove());
  document.body.append(el);
}

function rememberBuild(build: string): string | null {
  try {
    const previous = localStorage.getItem(LAST_BUILD_KEY);
    localStorage.setItem(LAST_BUILD_KEY, build);
    return previous;
  } catch {
    return null; // storage blocked (sandboxed frame): no update notices, nothing else lost
  }
}

export function registerOfflineSupport(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  showNotice(noticeOnLoad(rememberBuild(__DEEPEYES_BUILD_ID__), __DEEPEYES_BUILD_ID__));
  const wb = new Workbox(new URL('sw.js', document.baseURI).href, { scope: './' });
  wb.addEventListener('waiting', () => showNotice(noticeOnWaiting()));
  wb.register().catch((err: unknown) => {
    // Offline support is a bonus: the app still works online without it.
    console.warn('service worker registration failed; the app will not work offline', err);
  });
}
