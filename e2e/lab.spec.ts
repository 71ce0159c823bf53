/**
 * The lab, with no model: the official DeepEyes eval JSONL opened with its picture (records to pick
 * from, bad lines named, the picture asked for), its zooms drawn where the runtime maps them, the
 * ground-truth box beside them with the IoU on each zoom card, the answer key and verdict shown,
 * and a rotate step drawn on the picture and named on its card. The fixtures are written by hand
 * in the format eval_vstar.py saves (test/fixtures/*.jsonl), not by our writer.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { stepColor, TRUTH_COLOUR } from '../src/ui/canvas/palette';
import { test, expect } from './fixtures';
import { openApp, saveScreenshot } from './playground/app';
import { boxOnPage, hexToRgb, snapshot, type PageRect, type Rgb } from './playground/pixels';

const ROOT = resolve(import.meta.dirname, '..');
const VSTAR = readFileSync(resolve(ROOT, 'test/fixtures/vstar-official.jsonl'));
const ROTATE = readFileSync(resolve(ROOT, 'test/fixtures/rotate-record.jsonl'));
// The record names its picture "ladybird.jpg": the bundled sample photo (2560x1600).
const PHOTO = readFileSync(resolve(ROOT, 'public/samples/ladybird.jpg'));
const photo = { name: 'ladybird.jpg', mimeType: 'image/jpeg', buffer: PHOTO };
const jsonl = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/jsonl', buffer });

/** Near the middle of a box's left and right edges (within 4 px: dashes leave gaps) the colour is `want`. */
async function sideEdgesDrawn(page: Page, r: PageRect, want: Rgb): Promise<void> {
  const shot = await snapshot(page, { x: r.x - 6, y: r.y - 6, width: r.width + 12, height: r.height + 12 });
  const midY = r.y + r.height / 2;
  expect(shot.nearest(r.x, midY, want, 4).distance).toBeLessThanOrEqual(40);
  expect(shot.nearest(r.x + r.width, midY, want, 4).distance).toBeLessThanOrEqual(40);
}

/** axe-core's serious and critical findings on the page as it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A screenshot into test-results; with DOCS_SCREENSHOTS=1 also over the README's copy in docs/. */
async function saveDoc(page: Page, name: string): Promise<void> {
  const shot = await saveScreenshot(page, name);
  if (process.env.DOCS_SCREENSHOTS === '1') copyFileSync(shot, resolve(ROOT, 'docs', `${name}.png`));
}

test('official V* JSONL with its picture: pick a record; steps, boxes at their pixels, the answer, the ground truth and IoU', async ({
  page,
}) => {
  await openApp(page);
  await page
    .getByTestId('eval-input')
    .setInputFiles([jsonl('result_direct_attributes_deepeyes.jsonl', VSTAR), photo]);
  await expect(page.getByTestId('eval-file')).toHaveText(
    'result_direct_attributes_deepeyes.jsonl: 2 records',
  );
  await expect(page.getByTestId('eval-records').locator('li')).toHaveCount(2);
  await page.getByTestId('eval-record-0').click();

  const cards = page.getByTestId('timeline').locator('.step-card');
  await expect(cards).toHaveCount(3);
  await expect(page.getByTestId('step-card-0')).toContainText('Zoom');
  await expect(page.getByTestId('step-card-0')).toContainText('eval record · not timed');
  await expect(page.getByTestId('answer-card')).toContainText('A');
  await expect(page.getByTestId('timings-not-measured')).toContainText('eval JSONL');
  // V*'s answer is the first option's text; the letter follows from the prompt's options.
  await expect(page.getByTestId('ground-truth-answer')).toHaveText('A. white');
  await expect(page.getByTestId('ground-truth-verdict')).toContainText('matches');
  // IoU by hand: [1560,640,2040,1040] holds [1600,700,2000,1000]: 120000 / 192000 = 0.625;
  // the second zoom [1400,1000,2200,1500] only touches the target's bottom edge: 0.
  await expect(page.getByTestId('step-iou-0')).toHaveText('0.63');
  await expect(page.getByTestId('step-iou-1')).toHaveText('0.00');
  expect(await seriousViolations(page)).toEqual([]);

  // bbox_2d as written (the photo is under max_pixels: unscaled by the runtime's rule) and the
  // target from V*'s [x, y, w, h] = [1600, 700, 400, 300], each drawn in its own colour.
  await sideEdgesDrawn(page, await boxOnPage(page, [1560, 640, 2040, 1040]), hexToRgb(stepColor(0).fill));
  await sideEdgesDrawn(page, await boxOnPage(page, [1400, 1000, 2200, 1500]), hexToRgb(stepColor(1).fill));
  await sideEdgesDrawn(page, await boxOnPage(page, [1600, 700, 2000, 1000]), hexToRgb(TRUTH_COLOUR.fill));
  await page.getByTestId('ground-truth').scrollIntoViewIfNeeded();
  await saveDoc(page, 'official-jsonl');

  // The research view: the first zoom selected (its crop and its IoU beside the target).
  await page.getByTestId('step-card-0').click();
  await expect(page.getByTestId('crop-preview')).toContainText('ladybird');
  await sideEdgesDrawn(page, await boxOnPage(page, [1600, 700, 2000, 1000]), hexToRgb(TRUTH_COLOUR.fill));
  await saveDoc(page, 'research-overlays');

  // What the model saw at each turn: the picture's grid and tokens, then each crop's.
  await page.getByTestId('toggle-patch-grid').click();
  await expect(page.getByTestId('patch-grid-note')).toHaveText(
    'The model saw 2548×1596: 91×57 cells of 28 px, 5187 image tokens',
  );
  // Crop 480x400 -> 476x392 (17x14 = 238 tokens), fed in turn 2; 800x500 -> 812x504 (29x18 = 522) in turn 3.
  await expect(page.getByTestId('patch-grid-turns').locator('li')).toHaveText([
    'turn 2, crop of step 1: 476×392, 238 tokens',
    'turn 3, crop of step 2: 812×504, 522 tokens',
  ]);
});

test('bad lines are named and skipped, the shown run stays, and a missing picture is asked for by name', async ({
  page,
}) => {
  await openApp(page);
  const before = await page.getByTestId('step-card-0').textContent();
  const [good] = VSTAR.toString('utf8').split('\n');
  const text = `{"question": "q", "pred_output": 7}\n${good}\n{"cut short\n`;
  await page.getByTestId('eval-input').setInputFiles([jsonl('mixed.jsonl', Buffer.from(text))]);
  await expect(page.getByTestId('eval-problems')).toContainText(
    'line 1: not an eval record (field pred_output',
  );
  await expect(page.getByTestId('eval-problems')).toContainText('line 3: not JSON');
  // One record: chosen at once; its picture was not given, so it is asked for by the name it carries.
  await expect(page.getByTestId('eval-needs-picture')).toContainText('Line 2 was run on “ladybird.jpg”');
  // Nothing lost: the sample shown before is still there.
  await expect(page.getByTestId('step-card-0')).toHaveText(before ?? '');
  // The panel's alerts, request and buttons pass an accessibility scan.
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByTestId('eval-picture-input').setInputFiles([photo]);
  await expect(page.getByTestId('step-card-0')).toContainText('eval record · not timed');
  await expect(page.getByTestId('ground-truth-answer')).toHaveText('A. white');
  await expect(page.getByTestId('eval-needs-picture')).toHaveCount(0);

  // A file with no record at all is refused with the lines named; the run shown stays.
  await page.getByTestId('eval-input').setInputFiles([jsonl('empty.jsonl', Buffer.from('nope\n'))]);
  await expect(page.getByTestId('eval-error')).toContainText('line 1: not JSON');
  await expect(page.getByTestId('ground-truth-answer')).toHaveText('A. white');
});

test('a rotate step: named on its card, its turned outline and angle drawn on the picture', async ({
  page,
}) => {
  await openApp(page);
  // Dropped together, as a user drags the .jsonl and its picture from a folder.
  const zone = page.getByTestId('drop-zone');
  const dataTransfer = await page.evaluateHandle(
    ({ rot, pic }) => {
      const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes(rot)], 'rotate.jsonl', { type: 'application/jsonl' }));
      dt.items.add(new File([bytes(pic)], 'ladybird.jpg', { type: 'image/jpeg' }));
      return dt;
    },
    { rot: ROTATE.toString('base64'), pic: PHOTO.toString('base64') },
  );
  for (const type of ['dragenter', 'dragover', 'drop'] as const)
    await zone.dispatchEvent(type, { dataTransfer });

  await expect(page.getByTestId('step-card-0')).toContainText('Rotate 90°');
  await expect(page.getByTestId('step-card-1')).toContainText('A');
  await page.getByTestId('step-card-0').click();
  await expect(page.getByTestId('image-stage')).toHaveAttribute('aria-label', /Step 1: rotate 90°/);
  // PIL's rotate(90, expand=True) about the centre (1280, 800): the 2560x1600 frame stands 1600
  // wide and 2560 tall, x from 480 to 2080. Its left side at x 480 (y 800, inside the photo) is
  // drawn in step 1's colour; so is the angle's tag at the centre.
  const colour = hexToRgb(stepColor(0).fill);
  const side = await boxOnPage(page, [480, 800, 481, 801]);
  const centre = await boxOnPage(page, [1280, 800, 1281, 801]);
  const shot = await snapshot(page, {
    x: side.x - 10,
    y: side.y - 40,
    width: centre.x - side.x + 60,
    height: 80,
  });
  expect(shot.nearest(side.x, side.y + 30, colour, 4).distance).toBeLessThanOrEqual(40);
  expect(shot.nearest(centre.x, centre.y, colour, 4).distance).toBeLessThanOrEqual(40);
  await dataTransfer.dispose();
});
