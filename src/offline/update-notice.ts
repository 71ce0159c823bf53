/**
 * What the user is told about app updates, decided from two build ids: the one that served this
 * page and the one that served the previous visit (kept in localStorage). Pure, so it is tested
 * without a service worker.
 */
export const LAST_BUILD_KEY = 'deepeyes-last-build';

export type UpdateNotice =
  { kind: 'none' } | { kind: 'updated'; text: string } | { kind: 'waiting'; text: string };

export function noticeOnLoad(previousBuild: string | null, currentBuild: string): UpdateNotice {
  if (previousBuild === null || previousBuild === currentBuild) return { kind: 'none' };
  return { kind: 'updated', text: 'DeepEyes was updated since your last visit.' };
}

export function noticeOnWaiting(): UpdateNotice {
  return {
    kind: 'waiting',
    text: 'A new version of DeepEyes has been downloaded; it takes over the next time you open the app.',
  };
}
