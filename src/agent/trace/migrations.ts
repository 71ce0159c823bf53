/**
 * Trace format upgrades. `migrations[n]` turns a version-n trace into version n+1; parseTrace
 * chains them up to TRACE_VERSION and then validates the result. Version 1 is the first released
 * format, so there are none yet. To change the format: bump TRACE_VERSION, update the schema and
 * add `migrations[old]` here with a test that feeds an old trace through parseTrace.
 */
export type TraceMigration = (trace: Record<string, unknown>) => Record<string, unknown>;

export const migrations: Readonly<Record<number, TraceMigration>> = Object.freeze({});
