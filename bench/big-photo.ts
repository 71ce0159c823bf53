/**
 * npm run bench -- big-photo (after `npm run build`)
 *
 * The built app (vite preview) in the measured Chromium; the 100 MP and 200 MP (portrait, EXIF
 * orientation 6) photos of e2e/big-photos.spec.ts (made once into .cache/e2e-big-photos) opened
 * through the "Open picture…" file chooser. Per photo: seconds from choosing the file to the
 * downscale notice, and the peak RSS of the renderer and of the whole Chromium tree above the idle
 * page. Then, for contrast, the same file decoded in the same page by createImageBitmap with the
 * same resize (the app's path where there is no ImageDecoder) and without one (full size).
 */
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { preview } from 'vite';
import { formatBytes } from '../src/convert/convert-report';
import { photoJpeg } from '../e2e/support/big-photos';
import type { TreeMemory } from './chromium-memory';
import { launchMeasuredChromium } from './measured-chromium';

const ROOT = resolve(import.meta.dirname, '..');

export interface BigPhotoRow {
  photo: string;
  fileBytes: number;
  /** What the app showed, from its notice. */
  shown: string;
  openSeconds: number;
  rendererPeakRss: number;
  treePeakRss: number;
  /** The same file through createImageBitmap with the resize, in the same page, for contrast. */
  resizeDecodeSeconds: number;
  resizeDecodeRendererPeakRss: number;
  /** And at full size. */
  fullDecodeSeconds: number;
  fullDecodeRendererPeakRss: number;
  fullDecodeTreePeakRss: number;
}

export interface BigPhotoFigures {
  idleRendererRss: number;
  idleTreeRss: number;
  rows: BigPhotoRow[];
}

const renderer = (m: TreeMemory | undefined) => m?.byType?.renderer?.rss ?? 0;

/** Opens `path`, waits for its own downscale notice (the previous photo's may still be up). */
async function openPicture(page: Page, path: string, size: string): Promise<string> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-image').click();
  await (await chooser).setFiles(path);
  const notice = page.getByTestId('input-notice').filter({ hasText: `Large picture (${size})` });
  await notice.waitFor({ timeout: 300_000 });
  return notice.innerText();
}

/** createImageBitmap(file[, resize]) in the page, the file given through a fresh file input. */
async function decodeInPage(page: Page, path: string, resize?: string): Promise<string> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-full-decode';
    input.hidden = true;
    document.body.append(input);
  });
  await page.locator('#bench-full-decode').setInputFiles(path);
  return page.evaluate(async (resize) => {
    const input = document.getElementById('bench-full-decode') as HTMLInputElement;
    const [resizeWidth, resizeHeight] = (resize ?? '').split('x').map(Number);
    const bitmap = await createImageBitmap(
      input.files![0],
      resize ? { imageOrientation: 'from-image', resizeWidth, resizeHeight, resizeQuality: 'high' } : {},
    );
    const size = `${bitmap.width}x${bitmap.height}`;
    bitmap.close();
    input.remove();
    return size;
  }, resize);
}

export async function runBigPhotoBench(o: {
  profileDir: string;
  log: (s: string) => void;
}): Promise<BigPhotoFigures> {
  const photos = [
    { photo: '100 MP', size: '11547x8660', ...(await photoJpeg(11547, 8660)) },
    { photo: '200 MP', size: '12240x16320', ...(await photoJpeg(16320, 12240, 6)) },
  ];
  const server = await preview({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0 },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not say where it listens');
  // Every 100 ms: a decode's peak lasts about a second, and these processes are small to read.
  const { browser, sampler, close } = await launchMeasuredChromium(o.profileDir, 100);
  if (!sampler) throw new Error('the Chromium browser process was not found in /proc');
  const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
  try {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(url);
    await page.getByTestId('step-card-0').waitFor({ timeout: 60_000 });
    sampler.mark('idle');
    await pause(2000);
    const idle = sampler.peak('idle');
    const rows: BigPhotoRow[] = [];
    for (const p of photos) {
      o.log(`${p.photo}: opening ${p.path}`);
      sampler.mark(`open ${p.photo}`);
      const t0 = performance.now();
      const shown = /downscaled to (\d+x\d+)/.exec(await openPicture(page, p.path, p.size))?.[1] ?? '?';
      const openSeconds = (performance.now() - t0) / 1000;
      await pause(500);
      const opened = sampler.peak(`open ${p.photo}`);
      sampler.mark(`resize ${p.photo}`);
      const t2 = performance.now();
      o.log(`${p.photo}: createImageBitmap resize gave ${await decodeInPage(page, p.path, shown)}`);
      const resizeDecodeSeconds = (performance.now() - t2) / 1000;
      await pause(500);
      const resized = sampler.peak(`resize ${p.photo}`);
      sampler.mark(`full ${p.photo}`);
      const t1 = performance.now();
      o.log(`${p.photo}: full-size decode gave ${await decodeInPage(page, p.path)}`);
      const fullDecodeSeconds = (performance.now() - t1) / 1000;
      await pause(500);
      const full = sampler.peak(`full ${p.photo}`);
      rows.push({
        photo: p.photo,
        fileBytes: p.bytes,
        shown,
        openSeconds,
        rendererPeakRss: renderer(opened),
        treePeakRss: opened?.rss ?? 0,
        resizeDecodeSeconds,
        resizeDecodeRendererPeakRss: renderer(resized),
        fullDecodeSeconds,
        fullDecodeRendererPeakRss: renderer(full),
        fullDecodeTreePeakRss: full?.rss ?? 0,
      });
    }
    return { idleRendererRss: renderer(idle), idleTreeRss: idle?.rss ?? 0, rows };
  } finally {
    await close();
    await new Promise<void>((ok) => server.httpServer.close(() => ok()));
  }
}

export function printBigPhoto(f: BigPhotoFigures): void {
  console.log('\n== big-photo: camera-sized JPEGs opened in the built app (Chromium, 1440x900)');
  console.log(
    `idle page: renderer RSS ${formatBytes(f.idleRendererRss)}, Chromium tree ${formatBytes(f.idleTreeRss)}`,
  );
  const plus = (peak: number, base: number) => `+${formatBytes(Math.max(0, peak - base))}`.padStart(10);
  console.log(
    'photo    file      shown      app open s  renderer peak  tree peak  |  cIB resize s  renderer peak  |  cIB full s  renderer peak',
  );
  for (const r of f.rows)
    console.log(
      `${r.photo.padEnd(7)}  ${formatBytes(r.fileBytes).padEnd(8)}  ${r.shown.padEnd(9)}  ` +
        `${r.openSeconds.toFixed(1).padStart(10)}  ${plus(r.rendererPeakRss, f.idleRendererRss).padStart(13)}  ` +
        `${plus(r.treePeakRss, f.idleTreeRss)}  |  ${r.resizeDecodeSeconds.toFixed(1).padStart(12)}  ` +
        `${plus(r.resizeDecodeRendererPeakRss, f.idleRendererRss).padStart(13)}  |  ` +
        `${r.fullDecodeSeconds.toFixed(1).padStart(10)}  ${plus(r.fullDecodeRendererPeakRss, f.idleRendererRss).padStart(13)}`,
    );
  console.log(
    'app open: file chooser to notice (ImageDecoder at a k/8 DCT scale for JPEG); cIB: createImageBitmap in the same page',
  );
  console.log('peaks are above the idle page, sampled every 100 ms from /proc (RSS)');
}
