/**
 * The model harness page's `window.__model` (src/harness/model-harness.ts), called from Node
 * through Playwright, for the benches that load a model folder through the app's worker load path.
 */
import type { Page } from '@playwright/test';
import type { VariantName } from '../src/base/model-manifest';
import type { ModelHarnessApi } from '../src/harness/model-harness';

type Window = { __model: ModelHarnessApi };

export function harnessModel(page: Page, variant: VariantName) {
  return {
    load: (url: string) =>
      page.evaluate(([u, v]) => (window as unknown as Window).__model.load(u, v), [url, variant] as const),
    logits: (ids: number[], steps: number) =>
      page.evaluate(([i, s]) => (window as unknown as Window).__model.logits(i, s), [ids, steps] as const),
    verifyFull: (url: string) =>
      page.evaluate(([u, v]) => (window as unknown as Window).__model.verifyFull(u, v), [
        url,
        variant,
      ] as const),
    memory: () => page.evaluate(() => (window as unknown as Window).__model.memory()),
    clear: () => page.evaluate(() => (window as unknown as Window).__model.clear()),
  };
}
