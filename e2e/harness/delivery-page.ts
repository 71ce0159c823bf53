/**
 * Opens the harness page with a fake model host and wraps window.__delivery for the tests.
 */
import { expect, type Page } from '@playwright/test';
import type { HarnessRunOptions, HarnessRunResult } from '../../src/harness/protocol';
import type { DeliveryEvent } from '../../src/delivery/events';
import { RouteModelServer, testModel, type TestFile } from './model-server';
import { harnessBaseUrl } from './harness-server';

/** A few MB in three files: a small config, a graph and an external-data chunk. */
export const SIZES = {
  'config.json': 1_500,
  'onnx/model_q4.onnx': 200_000,
  'onnx/model_q4.onnx_data': 3_000_000,
};
export const WEIGHTS = 'onnx/model_q4.onnx_data';

type Api = {
  run(o: HarnessRunOptions): Promise<HarnessRunResult>;
  listOpfs(key: string): Promise<Record<string, number>>;
  flipByte(key: string, path: string, offset: number): Promise<void>;
};

export interface DeliveryPage {
  server: RouteModelServer;
  files: TestFile[];
  /** The OPFS folder key (the resolved base URL). */
  key: string;
  run(o?: Partial<HarnessRunOptions>): Promise<HarnessRunResult>;
  /** Model files (records excluded) in OPFS, with sizes. */
  stored(): Promise<Record<string, number>>;
  flipByte(path: string, offset: number): Promise<void>;
  persistCalls(): Promise<number>;
}

export async function openDeliveryPage(page: Page, name: string): Promise<DeliveryPage> {
  const { files, manifest } = testModel(SIZES);
  const server = new RouteModelServer(`/__models/${name}/`, files, manifest);
  await server.install(page);
  // Counts persist() calls (windows only: workers have no persist()).
  await page.addInitScript(() => {
    const w = window as unknown as { __persistCalls: number };
    w.__persistCalls = 0;
    const original = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function (this: StorageManager) {
      w.__persistCalls++;
      return original.call(this);
    };
  });
  await page.goto(new URL('harness.html', await harnessBaseUrl()).href);
  await expect(page.getByTestId('harness-status')).toHaveText('ready');
  const key = new URL(`__models/${name}/`, page.url()).href;
  return {
    server,
    files,
    key,
    run: (o = {}) =>
      page.evaluate((opts) => (window as unknown as { __delivery: Api }).__delivery.run(opts), {
        source: `./__models/${name}/`,
        variant: 'q4' as const,
        ...o,
      }),
    stored: async () => {
      const all = await page.evaluate(
        (k) => (window as unknown as { __delivery: Api }).__delivery.listOpfs(k),
        key,
      );
      return Object.fromEntries(
        Object.entries(all).filter(([p]) => !p.startsWith('.records/') && p !== 'deepeyes-manifest.json'),
      );
    },
    flipByte: (path, offset) =>
      page.evaluate(([k, p, o]) => (window as unknown as { __delivery: Api }).__delivery.flipByte(k, p, o), [
        key,
        path,
        offset,
      ] as const),
    persistCalls: () => page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls),
  };
}

export function notices(r: HarnessRunResult, code: string): Extract<DeliveryEvent, { kind: 'notice' }>[] {
  return r.events.filter(
    (e): e is Extract<DeliveryEvent, { kind: 'notice' }> => e.kind === 'notice' && e.code === code,
  );
}

/** Every file arrived, and what ModelFiles.readBytes returns hashes to the manifest's SHA-256. */
export function expectAllVerified(r: HarnessRunResult, files: TestFile[]): void {
  expect(r.error, JSON.stringify(r.error)).toBeUndefined();
  expect(r.ok).toBe(true);
  expect(Object.fromEntries(r.files.map((f) => [f.path, f.readSha256]))).toEqual(
    Object.fromEntries(files.map((f) => [f.path, f.sha256])),
  );
}
