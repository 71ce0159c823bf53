/**
 * The trace as the UI sees it while a run is in flight: the fold of the agent's events
 * (src/agent/trace/fold.ts), re-exported where the store and the UI have always found it.
 */
export { draftFromTrace, type LiveStep, type TraceDraft } from '../agent/trace/fold';
