/**
 * The booth and the lab, with no model: an honest first visit (the example is labelled as
 * hand-written where it is shown, with no invented timings), keyboard and touch reach, an
 * accessibility scan, and the layout at tablet and phone widths. Each test replays the bundled
 * sample, so none needs a model or a GPU.
 */
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { GifReader } from 'omggif';
import { LADYBIRD, TWO_WINGS } from '../src/app/samples/sample-trace';
import { COMPARE_COLOUR, PALETTE_SIZE, stepColor } from '../src/ui/canvas/palette';
import { test, expect } from './fixtures';
import { openApp, saveScreenshot } from './playground/app';
import { boxOnPage, colourDistance, hexToRgb, snapshot, type PageRect, type Rgb } from './playground/pixels';
import { sampleTraceFile } from './playground/sample-trace-file';

/** How many of `n` points spread along a box's left and right edges come within 40 of `want`. */
async function edgeHits(page: Page, r: PageRect, want: Rgb, n = 12): Promise<number> {
  const shot = await snapshot(page, { x: r.x - 6, y: r.y - 6, width: r.width + 12, height: r.height + 12 });
  let hits = 0;
  for (let k = 0; k < n; k++) {
    const y = r.y + ((k + 0.5) / n) * r.height;
    for (const x of [r.x, r.x + r.width]) if (shot.nearest(x, y, want, 2).distance <= 40) hits++;
  }
  return hits;
}

test('first visit: the example says it is hand-written on the canvas, the cards and the status bar, and shows no timings', async ({
  page,
}) => {
  await openApp(page);
  await expect(page.getByTestId('hand-written-label')).toBeVisible();
  await expect(page.getByTestId('hand-written-label')).toContainText('not model output');
  const cards = page.getByTestId('timeline').locator('.step-card');
  await expect(cards).toHaveCount(4);
  for (const card of await cards.all()) await expect(card).toContainText('hand-written example');
  await expect(page.getByTestId('timings-not-measured')).toBeVisible();
  // No speed figure anywhere on the page: nothing was timed.
  await expect(page.locator('body')).not.toContainText(/tok\/s|TTFT|\d+(\.\d+)? s\b/);
  // Only samples with a recorded example are offered.
  await expect(page.getByTestId('sample-raindrops')).toHaveCount(0);

  // The first zoom's bbox_2d, [1560, 640, 2040, 1040] on a 2560x1600 photo (under max_pixels, so
  // unscaled by the runtime's rule), is where its box is drawn.
  const want = hexToRgb(stepColor(0).fill);
  const r = await boxOnPage(page, [1560, 640, 2040, 1040]);
  const shot = await snapshot(page, { x: r.x - 6, y: r.y - 6, width: r.width + 12, height: r.height + 12 });
  const midY = r.y + r.height / 2;
  expect(shot.nearest(r.x, midY, want, 2).distance).toBeLessThanOrEqual(40);
  expect(shot.nearest(r.x + r.width, midY, want, 2).distance).toBeLessThanOrEqual(40);

  await saveScreenshot(page, 'booth-first-visit');
});

test('keyboard only: Tab reaches the steps, arrows move between cards, Enter selects; the picture takes arrows and Enter', async ({
  page,
}) => {
  await openApp(page);
  const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
  // Tab from the top of the page until the first step card has focus (one tab stop for all cards).
  let seen = '';
  for (let i = 0; i < 40 && seen !== 'step-card-0'; i++) {
    await page.keyboard.press('Tab');
    seen = await focusedTestId();
  }
  expect(seen).toBe('step-card-0');
  // The focused card shows the focus ring (an outline drawn, not "none").
  const outline = await page.getByTestId('step-card-0').evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');

  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('step-card-1')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step-card-1')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('crop-preview')).toContainText('flowers below the ladybird');
  await page.keyboard.press('End');
  await expect(page.getByTestId('step-card-3')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step-card-3')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('step-card-3')).toContainText('A');
  // Only one card is a tab stop: Shift+Tab leaves the list rather than walking it.
  await expect(page.getByTestId('timeline').locator('[tabindex="0"]')).toHaveCount(1);

  // The picture: focus it, arrows pick the boxes in turn, Enter zooms to the picked one.
  await page.getByTestId('image-stage').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-card-0')).toHaveAttribute('aria-current', 'step');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-card-1')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('image-stage')).toHaveAttribute(
    'aria-label',
    /Step 2: flowers below the ladybird/,
  );
  const before = await page.evaluate(() => window.__deepeyes!.stageTransform().scale);
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.evaluate(() => window.__deepeyes!.stageTransform().scale))
    .toBeGreaterThan(before * 2);
  await page.keyboard.press('0');
  await expect
    .poll(() => page.evaluate(() => window.__deepeyes!.stageTransform().scale))
    .toBeCloseTo(before, 5);
});

test('touch: a two-finger pinch zooms the picture about the fingers, one finger pans it', async ({
  page,
}) => {
  await openApp(page);
  const stage = (await page.getByTestId('image-stage').boundingBox())!;
  const cx = stage.x + stage.width / 2;
  const cy = stage.y + stage.height / 2;
  const t0 = await page.evaluate(() => window.__deepeyes!.stageTransform());
  // The image point under the fingers' midpoint before the pinch.
  const under = { x: (cx - stage.x - t0.x) / t0.scale, y: (cy - stage.y - t0.y) / t0.scale };
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', pts: { x: number; y: number }[]) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: pts.map((p, id) => ({ x: p.x, y: p.y, id })),
    });
  await touch('touchStart', [
    { x: cx - 50, y: cy },
    { x: cx + 50, y: cy },
  ]);
  for (let k = 1; k <= 5; k++) {
    await touch('touchMove', [
      { x: cx - 50 - 10 * k, y: cy },
      { x: cx + 50 + 10 * k, y: cy },
    ]);
  }
  await touch('touchEnd', []);
  const t1 = await page.evaluate(() => window.__deepeyes!.stageTransform());
  // Spread from 100 px to 200 px: twice the scale, and the same image point still under the midpoint.
  expect(t1.scale / t0.scale).toBeCloseTo(2, 1);
  expect(cx - stage.x - (under.x * t1.scale + t1.x)).toBeCloseTo(0, 0);
  expect(cy - stage.y - (under.y * t1.scale + t1.y)).toBeCloseTo(0, 0);

  await touch('touchStart', [{ x: cx, y: cy }]);
  await touch('touchMove', [{ x: cx + 40, y: cy + 30 }]);
  await touch('touchEnd', []);
  const t2 = await page.evaluate(() => window.__deepeyes!.stageTransform());
  expect([t2.x - t1.x, t2.y - t1.y, t2.scale]).toEqual([40, 30, t1.scale]);
});

test('accessibility: axe finds no serious or critical violations, with a step selected and with the settings open', async ({
  page,
}) => {
  await openApp(page);
  await page.getByTestId('step-card-1').click();
  const serious = async () => {
    const { violations } = await new AxeBuilder({ page }).analyze();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };
  expect(await serious()).toEqual([]);
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('settings-panel')).toBeVisible();
  expect(await serious()).toEqual([]);
});

for (const [name, width, height] of [
  ['tablet', 820, 1180],
  ['phone', 390, 844],
] as const) {
  test(`layout at ${name} width: nothing runs off the side, every header control and the steps are reachable`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height });
    await openApp(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    for (const id of ['model-picker', 'settings-button']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.x >= 0 && box.x + box.width <= width, `${id} at ${box.x}+${box.width}`).toBe(true);
    }
    await page.getByTestId('settings-button').click();
    await expect(page.getByTestId('settings-panel')).toBeVisible();
    await page.getByTestId('settings-button').click();
    await page.getByTestId('step-card-3').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('step-card-3')).toBeInViewport();
    await saveScreenshot(page, `booth-${name}`);
  });
}

test('compare: a second trace of the same picture joins the canvas in its own colour, answers and zooms side by side', async ({
  page,
}) => {
  const a = sampleTraceFile(LADYBIRD);
  const b = sampleTraceFile({
    ...LADYBIRD,
    id: 'ladybird-b',
    turns: [
      {
        think: 'The pale flowers at the left edge look pinkish at this size; let me check them.',
        zoom: { box: [100, 200, 700, 800], label: 'flowers at the left' },
      },
      { think: 'They look pink.', answer: 'B' },
    ],
  });
  await openApp(page);
  await page.getByTestId('import-trace-input').setInputFiles({
    name: 'a.json',
    mimeType: 'application/json',
    buffer: Buffer.from(a.json),
  });
  await expect(page.getByText('imported trace')).toBeVisible();
  await page.getByTestId('compare-input').setInputFiles({
    name: 'b.json',
    mimeType: 'application/json',
    buffer: Buffer.from(b.json),
  });
  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible();
  await expect(page.getByTestId('compare-answer-a')).toHaveText('A');
  await expect(page.getByTestId('compare-answer-b')).toHaveText('B');
  await expect(page.getByTestId('compare-zooms-a')).toHaveText('3');
  await expect(page.getByTestId('compare-zooms-b')).toHaveText('1');
  await expect(table).toContainText('zoom “flowers at the left” [100, 200, 700, 800]');
  await page.waitForTimeout(300);

  // B's box, [100, 200, 700, 800] on the photo, is drawn in the compare colour (dashed: most edge
  // points, not all); A's first box keeps its step colour, and no B colour sits on it.
  const magenta = hexToRgb(COMPARE_COLOUR.fill);
  const rb = await boxOnPage(page, [100, 200, 700, 800]);
  expect(await edgeHits(page, rb, magenta)).toBeGreaterThanOrEqual(14);
  const ra = await boxOnPage(page, [1560, 640, 2040, 1040]);
  expect(await edgeHits(page, ra, hexToRgb(stepColor(0).fill))).toBeGreaterThanOrEqual(20);
  expect(await edgeHits(page, ra, magenta)).toBe(0);
  for (let i = 0; i < PALETTE_SIZE; i++) {
    expect(colourDistance(magenta, hexToRgb(stepColor(i).fill))).toBeGreaterThan(100);
  }
  await saveScreenshot(page, 'booth-compare');

  // A trace of another picture is refused with the reason.
  const other = sampleTraceFile({ ...LADYBIRD, id: 'x', width: 2560, height: 1600 });
  const tampered = JSON.parse(other.json) as { image: { sha256: string } };
  tampered.image.sha256 = '0'.repeat(64);
  await page.getByTestId('compare-input').setInputFiles({
    name: 'other.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tampered)),
  });
  await expect(page.getByTestId('compare-panel')).toContainText('different picture');
});

test('a shared link restores the sample, the step and the settings; the link follows the page', async ({
  page,
  context,
}) => {
  await page.goto('./#sample=two-wings&step=2&crops=3');
  await expect(page.getByTestId('question-input')).toHaveValue(TWO_WINGS.question);
  await expect(page.getByTestId('step-card-1')).toHaveAttribute('aria-current', 'step');
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('setting-max-crops')).toHaveValue('3');
  await page.getByTestId('settings-button').click();

  // Pick another sample and step: the address changes with them, and opening it elsewhere shows the same.
  await page.getByTestId('sample-ladybird').click();
  await expect(page.getByTestId('question-input')).toHaveValue(LADYBIRD.question);
  await page.getByTestId('step-card-2').click();
  await expect.poll(() => new URL(page.url()).hash).toBe('#sample=ladybird&step=3&crops=3');
  const other = await context.newPage();
  await other.goto(page.url());
  await expect(other.getByTestId('question-input')).toHaveValue(LADYBIRD.question);
  await expect(other.getByTestId('step-card-2')).toHaveAttribute('aria-current', 'step');
  await expect(other.getByTestId('crop-preview')).toContainText('pink buds at the top right');
});

test('a shared link restores the model choice and the sampling settings, round-trips them, and carries nothing private', async ({
  page,
  context,
}) => {
  const link =
    './#sample=two-wings&step=2&model=qwen2.5-vl-3b&crops=3&total=4096&sampling=sample&temp=0.7&topp=0.9&seed=42';
  await page.goto(link);
  await expect(page.getByTestId('question-input')).toHaveValue(TWO_WINGS.question);
  await expect(page.getByTestId('step-card-1')).toHaveAttribute('aria-current', 'step');
  // The model is pointed out, not downloaded: a notice names it and the picker marks its row.
  await expect(page.locator('[data-code="shared-model"]')).toContainText('Qwen2.5-VL 3B Instruct');
  await page.getByTestId('model-picker').click();
  await expect(page.getByTestId('model-entry-qwen2.5-vl-3b')).toHaveAttribute('data-chosen', 'true');
  await expect(page.getByTestId('model-entry-qwen2.5-vl-3b')).toHaveAttribute('data-cache', 'unknown');
  await expect(page.locator('[data-chosen="true"]')).toHaveCount(1);
  await page.getByTestId('model-picker').click();
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('setting-max-crops')).toHaveValue('3');
  await expect(page.getByTestId('setting-sampling')).toBeChecked();
  await expect(page.getByLabel('Temperature')).toHaveValue('0.7');
  await expect(page.getByLabel('Top-p')).toHaveValue('0.9');
  await page.getByLabel('Top-p').fill('0.8');
  await page.getByTestId('settings-button').click();

  // The page rewrites the link as it changes; the model choice and the seed stay in it.
  const want = new URLSearchParams(
    'sample=two-wings&step=2&model=qwen2.5-vl-3b&crops=3&total=4096&sampling=sample&temp=0.7&topp=0.8&seed=42',
  );
  await expect
    .poll(() => Object.fromEntries(new URLSearchParams(new URL(page.url()).hash.slice(1))))
    .toEqual(Object.fromEntries(want));
  const other = await context.newPage();
  await other.goto(page.url());
  await expect(other.getByTestId('step-card-1')).toHaveAttribute('aria-current', 'step');
  await other.getByTestId('settings-button').click();
  await expect(other.getByLabel('Top-p')).toHaveValue('0.8');
  await expect(other.getByLabel('Temperature')).toHaveValue('0.7');
  await other.close();

  // An imported trace stays in this browser: its file name and contents never reach the link.
  const t = sampleTraceFile({ ...LADYBIRD, id: 'private-run' });
  await page.getByTestId('import-trace-input').setInputFiles({
    name: 'my-secret-notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from(t.json),
  });
  await expect(page.getByText('imported trace')).toBeVisible();
  await expect.poll(() => new URL(page.url()).hash).not.toContain('sample=');
  const hash = new URL(page.url()).hash;
  expect(hash).not.toMatch(/secret|private|notes|json|token|data:/i);
  expect(hash).toContain('model=qwen2.5-vl-3b');
});

test('kiosk: large type, no file dialogs, an attract loop, and back to the start after a minute idle (fake clock)', async ({
  page,
}) => {
  await page.clock.install();
  await page.goto('./#kiosk=1');
  await expect(page.getByTestId('step-card-0')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('html')).toHaveClass(/kiosk/);
  await expect(page.getByTestId('import-trace')).toBeHidden();
  expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('21px');
  // Nobody at the booth: the loop walks the steps.
  await page.clock.runFor(4_500);
  await expect(page.getByTestId('step-card-0')).toHaveAttribute('aria-current', 'step');
  await page.clock.runFor(4_000);
  await expect(page.getByTestId('step-card-1')).toHaveAttribute('aria-current', 'step');
  await saveScreenshot(page, 'booth-kiosk');
  // The large type must not push the hand-written label over the zoom buttons or the crop preview.
  const label = (await page.getByTestId('hand-written-label').boundingBox())!;
  for (const other of ['canvas-tools', 'crop-preview']) {
    const o = await page.getByTestId(other).boundingBox();
    if (!o) continue;
    const overlap =
      label.x < o.x + o.width &&
      o.x < label.x + label.width &&
      label.y < o.y + o.height &&
      o.y < label.y + label.height;
    expect(overlap, `hand-written label overlaps ${other}`).toBe(false);
  }

  // A visitor picks the other sample: the loop leaves them be...
  await page.getByTestId('sample-two-wings').click();
  await expect(page.getByTestId('question-input')).toHaveValue(TWO_WINGS.question);
  await page.clock.runFor(50_000);
  await expect(page.getByTestId('question-input')).toHaveValue(TWO_WINGS.question);
  // ...and a minute after their last touch the booth is back at the start.
  await page.clock.runFor(12_000);
  await expect(page.getByTestId('question-input')).toHaveValue(LADYBIRD.question);
  await expect(page.getByTestId('timeline').locator('[aria-current="step"]')).toHaveCount(0);
});

test('kiosk: the attract loop shows the runs recorded in this browser after the samples, then starts over', async ({
  page,
}) => {
  await page.clock.install();
  await openApp(page);
  // A run recorded here (an imported trace is autosaved like a run; the kiosk reads the same list).
  const question = 'Which flower is nearest to the ladybird?';
  const run = sampleTraceFile({ ...LADYBIRD, id: 'booth-run', question });
  await page.getByTestId('import-trace-input').setInputFiles({
    name: 'run.json',
    mimeType: 'application/json',
    buffer: Buffer.from(run.json),
  });
  await expect(page.getByTestId('question-input')).toHaveValue(question);
  // Wait until the run is in this browser's recent list (idb-keyval's default database).
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const open = indexedDB.open('keyval-store');
            open.onsuccess = () => {
              const get = open.result
                .transaction('keyval')
                .objectStore('keyval')
                .get('deepeyes:recent-traces');
              get.onsuccess = () => resolve((get.result as unknown[] | undefined)?.length ?? 0);
              get.onerror = () => resolve(0);
            };
            open.onerror = () => resolve(0);
          }),
      ),
    )
    .toBe(1);

  // The booth opens (a full load: the query makes it a new document).
  await page.goto('./?booth#kiosk=1');
  await expect(page.locator('html')).toHaveClass(/kiosk/);
  await expect(page.getByTestId('step-card-0')).toBeVisible({ timeout: 30_000 });
  const seen: string[] = [];
  let runStepShown = false;
  for (let tick = 0; tick < 30; tick++) {
    await page.clock.runFor(4_000);
    await page.waitForTimeout(300);
    const q = await page.getByTestId('question-input').inputValue();
    if (seen[seen.length - 1] !== q) seen.push(q);
    if (q === question && (await page.locator('[aria-current="step"]').count()) > 0) runStepShown = true;
    if (seen.length >= 5) break;
  }
  // Whatever it starts on, the loop goes samples -> the recorded run -> samples again, and walks
  // the recorded run's steps like a sample's.
  const order = [LADYBIRD.question, TWO_WINGS.question, question];
  const from = seen.indexOf(LADYBIRD.question);
  expect(from).toBeGreaterThanOrEqual(0);
  expect(seen.slice(from, from + 3)).toEqual(order);
  expect(seen.length).toBeGreaterThan(from + 3);
  expect(seen[from + 3]).toBe(LADYBIRD.question);
  expect(runStepShown).toBe(true);
});

test('export: an animated GIF for slides decodes, 960x540, a frame per step, boxes appearing step by step', async ({
  page,
}) => {
  await openApp(page);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByTestId('export-gif').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.gif$/);
  const bytes = readFileSync(await download.path());
  const gif = new GifReader(new Uint8Array(bytes));
  expect([gif.width, gif.height]).toEqual([960, 540]);
  // Title, one frame per step (4), answer.
  expect(gif.numFrames()).toBeGreaterThanOrEqual(LADYBIRD.turns.length);
  expect(gif.numFrames()).toBe(LADYBIRD.turns.length + 2);
  const frame = (i: number) => {
    const rgba = new Uint8Array(gif.width * gif.height * 4);
    gif.decodeAndBlitFrameRGBA(i, rgba);
    return (x: number, y: number, want: Rgb, r = 3) => {
      let best = Infinity;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const k = ((Math.round(y) + dy) * gif.width + Math.round(x) + dx) * 4;
          best = Math.min(best, colourDistance([rgba[k], rgba[k + 1], rgba[k + 2]], want));
        }
      return best;
    };
  };
  // The 2560x1600 photo fits 600x540 at scale 600/2560, centred vertically: the first zoom's left
  // edge (x 1560) at 365.6, its middle (y 840) at 82.5 + 196.9.
  const s = 600 / 2560;
  const x = 1560 * s;
  const y = (540 - 1600 * s) / 2 + 840 * s;
  const orange = hexToRgb(stepColor(0).fill);
  expect(frame(0)(x, y, orange)).toBeGreaterThan(40);
  expect(frame(1)(x, y, orange)).toBeLessThanOrEqual(40);
});

test("research overlay: the model's token grid over the picture, with its size and token count", async ({
  page,
}) => {
  await openApp(page);
  // smart_resize takes 2560x1600 to 2548x1596: 91 x 57 cells of 28 px, one image token each.
  const cell = { w: 2560 / 91, h: 1600 / 57 };
  const line = await boxOnPage(page, [cell.w * 10, cell.h * 20.5, cell.w * 10 + 1, cell.h * 20.5 + 1]);
  const mid = await boxOnPage(page, [cell.w * 10.5, cell.h * 20.5, cell.w * 10.5 + 1, cell.h * 20.5 + 1]);
  const area = { x: line.x - 20, y: line.y - 20, width: 60, height: 40 };
  const before = await snapshot(page, area);
  await page.getByTestId('toggle-patch-grid').click();
  await expect(page.getByTestId('patch-grid-note')).toHaveText(
    'The model saw 2548×1596: 91×57 cells of 28 px, 5187 image tokens',
  );
  await page.waitForTimeout(200);
  const after = await snapshot(page, area);
  // On a cell edge the grid line brightens the photo; mid-cell the photo is untouched.
  const onLine = colourDistance(
    before.at(line.x, line.y),
    after.nearest(line.x, line.y, [255, 255, 255], 1).rgb,
  );
  expect(onLine).toBeGreaterThan(25);
  expect(colourDistance(before.at(mid.x, mid.y), after.at(mid.x, mid.y))).toBeLessThanOrEqual(6);
  await saveScreenshot(page, 'booth-token-grid');
});
