/**
 * The booth and the lab, with no model: an honest first visit (the example is labelled as
 * hand-written where it is shown, with no invented timings), keyboard and touch reach, an
 * accessibility scan, and the layout at tablet and phone widths. Each test replays the bundled
 * sample, so none needs a model or a GPU.
 */
import { stepColor } from '../src/ui/canvas/palette';
import { test, expect } from './fixtures';
import { openApp, saveScreenshot } from './playground/app';
import { boxOnPage, hexToRgb, snapshot } from './playground/pixels';

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
