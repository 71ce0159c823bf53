/**
 * Trace format upgrades. `migrations[n]` turns a version-n trace into version n+1; parseTrace
 * chains them up to TRACE_VERSION and then validates the result. To change the format: bump
 * TRACE_VERSION, update the schema and add `migrations[old]` here with a test that feeds an old
 * trace through parseTrace.
 */
export type TraceMigration = (trace: Record<string, unknown>) => Record<string, unknown>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `pngDataUrl` -> `dataUrl` on one image record; anything else is left for the schema to judge. */
function renameImageField(image: unknown): unknown {
  if (!isRecord(image) || !Object.hasOwn(image, 'pngDataUrl')) return image;
  const { pngDataUrl, ...rest } = image;
  return { ...rest, dataUrl: pngDataUrl };
}

/**
 * 1 -> 2: the embedded images' field `pngDataUrl` became `dataUrl` (it holds JPEG too since the
 * traces keep photos and crops as JPEG), on the picture and on every zoom's crop; and the optional
 * `groundTruth` (an imported eval record's answer key and target boxes) was added, which a
 * version-1 trace does not have and needs no change for.
 */
function v1ToV2(trace: Record<string, unknown>): Record<string, unknown> {
  const steps = Array.isArray(trace.steps)
    ? trace.steps.map((step: unknown) => {
        if (!isRecord(step) || !isRecord(step.action) || !Object.hasOwn(step.action, 'crop')) return step;
        return { ...step, action: { ...step.action, crop: renameImageField(step.action.crop) } };
      })
    : trace.steps;
  return { ...trace, image: renameImageField(trace.image), steps };
}

export const migrations: Readonly<Record<number, TraceMigration>> = Object.freeze({ 1: v1ToV2 });
