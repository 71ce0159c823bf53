/**
 * Page helpers for the playground's end-to-end tests: open the app, drive its controls the way
 * a user does (real drops, the settings panel, the model picker), and read its state back.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect } from '../fixtures';

export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results/screenshots');

/** The SwiftShader adapter is slow: a model load or a short run can take tens of seconds. */
export const SLOW = 120_000;

/** Opens the playground and waits until its first load (restore or the default sample) is done. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('./');
  // The default sample's (or a restored) trace puts a step card up; so does nothing else at start.
  await expect(page.getByTestId('step-card-0')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'idle');
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = resolve(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Drops a file onto the picture panel with a real DragEvent whose DataTransfer is built in the
 * page, from the bytes at `url` (fetched by the page) or given as base64. `shrinkTo` re-encodes a
 * fetched picture at that width first (fewer image tokens: a faster run on a software GPU).
 */
export async function dropFile(
  page: Page,
  file: { url?: string; base64?: string; name: string; type: string; shrinkTo?: number },
): Promise<void> {
  const zone = page.getByTestId('drop-zone');
  const dataTransfer = await page.evaluateHandle(async ({ url, base64, name, type, shrinkTo }) => {
    let bytes: Blob;
    if (url) bytes = await (await fetch(url)).blob();
    else bytes = new Blob([Uint8Array.from(atob(base64 ?? ''), (c) => c.charCodeAt(0))]);
    if (shrinkTo) {
      const full = await createImageBitmap(bytes);
      const height = Math.round((full.height * shrinkTo) / full.width);
      const small = await createImageBitmap(full, { resizeWidth: shrinkTo, resizeHeight: height });
      const canvas = new OffscreenCanvas(shrinkTo, height);
      canvas.getContext('2d')!.drawImage(small, 0, 0);
      bytes = await canvas.convertToBlob({ type, quality: 0.9 });
    }
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type }));
    return dt;
  }, file);
  for (const type of ['dragenter', 'dragover', 'drop'] as const) {
    await zone.dispatchEvent(type, { dataTransfer });
  }
  await dataTransfer.dispose();
}

/** Sets the per-turn token budget through the settings panel, then closes it. */
export async function setMaxTokens(page: Page, n: number): Promise<void> {
  await page.getByTestId('settings-button').click();
  const input = page.getByTestId('setting-max-tokens');
  await input.fill(String(n));
  await expect(input).toHaveValue(String(n));
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('settings-panel')).toBeHidden();
}

/** Loads the bundled random-weights model from the model picker and waits until it is ready. */
export async function loadTinyModel(page: Page, onPanelOpen?: () => Promise<void>): Promise<void> {
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-panel')).toBeVisible();
  const load = page.getByTestId('load-model-tiny-random');
  // The picker enables the button once it knows the browser has WebGPU.
  await expect(load).toBeEnabled();
  await onPanelOpen?.();
  await load.click();
  await expect(load).toHaveText('Loaded', { timeout: SLOW });
  await expect(page.getByTestId('model-entry-tiny-random')).toHaveAttribute('data-cache', 'ready');
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-panel')).toBeHidden();
  await expect(page.getByTestId('run-status')).toHaveText('Ready');
}

export function runStatus(page: Page): Locator {
  return page.getByTestId('run-status');
}

/** The text of the card being written, or null when no step is streaming. */
export async function liveText(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const card = document.querySelector('[data-live="true"]');
    return card ? (card.textContent ?? '') : null;
  });
}

/** Generated-token count shown on the live card ("N tok"), or -1 when none is streaming. */
export async function liveTokens(page: Page): Promise<number> {
  return page.evaluate(() => {
    const meta = document.querySelector('[data-live="true"] .step-card__meta');
    const m = /(\d+) tok/.exec(meta?.textContent ?? '');
    return m ? Number(m[1]) : -1;
  });
}

/** Waits until the run has streamed at least `n` tokens into the live card. */
export async function waitForLiveTokens(page: Page, n: number, timeout = SLOW): Promise<void> {
  await expect.poll(() => liveTokens(page), { timeout, intervals: [100] }).toBeGreaterThanOrEqual(n);
}

export async function waitIdle(page: Page, timeout = SLOW): Promise<void> {
  await expect(runStatus(page)).toHaveAttribute('data-status', 'idle', { timeout });
}

/**
 * The GPU buffers live on the model worker's own device (counted where it wraps that device's
 * createBuffer/destroy), or null when the model runs off the GPU.
 */
export function gpuMemory(page: Page): Promise<{ buffers: number; bytes: number } | null> {
  return page.evaluate(() =>
    (
      window as unknown as {
        __deepeyesModelPort: {
          workerClient: { memory(): Promise<{ buffers: number; bytes: number } | null> };
        };
      }
    ).__deepeyesModelPort.workerClient.memory(),
  );
}

/** Loads a model folder served by the preview server through the page's model port (a backend and variant the picker would not choose). */
export async function loadModelByUrl(
  page: Page,
  url: string,
  backend: string,
  variant: string,
): Promise<void> {
  await page.evaluate(
    ([u, b, v]) =>
      (
        window as unknown as {
          __deepeyesModelPort: {
            loadModel(s: { kind: 'url'; url: string }, b: string, v: string): Promise<void>;
          };
        }
      ).__deepeyesModelPort.loadModel({ kind: 'url', url: u }, b, v),
    [url, backend, variant] as const,
  );
}
