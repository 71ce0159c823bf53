/**
 * Trace format upgrades. `migrations[n]` turns a version-n trace into version n+1; parseTrace
 * chains them up to TRACE_VERSION and then validates the result. To change the format: bump
 * TRACE_VERSION, update the schema and add `migrations[old]` here with a test that feeds an old
 * trace through parseTrace.
 *
 * 1 -> 2: the optional `groundTruth` (an imported eval record's answer key and target boxes). A
 * version-1 trace has none and needs no change; the version was bumped so that an app that knows
 * only version 1 says "made by a newer app" instead of refusing the unknown key.
 */
export type TraceMigration = (trace: Record<string, unknown>) => Record<string, unknown>;

export const migrations: Readonly<Record<number, TraceMigration>> = Object.freeze({
  1: (trace) => trace,
});
