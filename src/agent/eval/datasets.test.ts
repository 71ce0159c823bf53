import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHrBench, readLines, readVstar } from './datasets';
import { DatasetNotFoundError, MalformedDatasetError } from './errors';
import type { EvalDataset, EvalItem } from './item';
import {
  hrBenchFixtureRows,
  hrBenchTsv,
  testImage,
  writeVstarFixture,
  VSTAR_FIXTURE,
} from '../../../test/support/eval-fixtures';
import { encodePng } from '../../image-io/png';
import { uniform as seededRandom } from '../../model/prng';

async function all(d: EvalDataset): Promise<EvalItem[]> {
  const out: EvalItem[] = [];
  for await (const it of d.items) out.push(it);
  return out;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'eval-datasets-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('readVstar', () => {
  it('reads both folders; the right answer is the first option', async () => {
    const dir = join(work, 'vstar');
    await writeVstarFixture(dir);
    await writeFile(join(dir, 'direct_attributes', '.DS_Store'), 'junk');
    const d = await readVstar(dir);
    expect(d).toMatchObject({ kind: 'vstar', name: 'vstar', overallRule: 'items' });
    expect(d.categories).toEqual(['direct_attributes', 'relative_position']);
    const items = await all(d);
    expect(items.map((i) => [i.id, i.category, i.imageName, i.answerIndex])).toEqual([
      ['direct_attributes/sa_101.jpg', 'direct_attributes', 'sa_101.jpg', 0],
      ['relative_position/sa_202.jpg', 'relative_position', 'sa_202.jpg', 0],
    ]);
    expect(items[0].question).toBe(VSTAR_FIXTURE[0].question);
    expect(items[0].options).toEqual(['red', 'green', 'blue', 'white']);
    const img = await items[1].loadImage();
    expect([img.width, img.height, img.data.length]).toEqual([56, 56, 56 * 56 * 3]);
  });

  it('refuses a folder without the V* subfolders', async () => {
    await mkdir(join(work, 'empty'), { recursive: true });
    await expect(readVstar(join(work, 'empty'))).rejects.toBeInstanceOf(DatasetNotFoundError);
    await expect(readVstar(join(work, 'empty'))).rejects.toThrow(/direct_attributes/);
  });

  it('names the file and field of a bad annotation', async () => {
    const dir = join(work, 'vstar-bad');
    await writeVstarFixture(dir);
    const json = join(dir, 'relative_position', 'sa_202.json');
    await writeFile(json, JSON.stringify({ question: 'q', options: 'left' }));
    await expect(readVstar(dir)).rejects.toBeInstanceOf(MalformedDatasetError);
    await expect(readVstar(dir)).rejects.toThrow(/sa_202\.json \(field options\)/);
    await writeFile(json, '{"question": ');
    await expect(readVstar(dir)).rejects.toThrow(/not JSON/);
    await unlink(json);
    await expect(readVstar(dir)).rejects.toThrow(/no annotation sa_202\.json/);
  });
});

describe('readHrBench', () => {
  it('streams rows: options A-D, answer letter, category, image from base64 (CRLF too)', async () => {
    for (const eol of ['\n', '\r\n']) {
      const file = join(work, `hr_bench_4k${eol.length}.tsv`);
      const rows = hrBenchFixtureRows();
      await writeFile(file, hrBenchTsv(rows, eol));
      const d = await readHrBench(file);
      expect(d).toMatchObject({
        kind: 'hrbench',
        name: `hr_bench_4k${eol.length}`,
        overallRule: 'categories',
      });
      expect(d.categories).toEqual(['single', 'cross']);
      const items = await all(d);
      expect(items.map((i) => [i.id, i.category, i.answerIndex])).toEqual([
        ['0', 'single', 1],
        ['1', 'cross', 3],
      ]);
      expect(items[0].options).toEqual(['27B', '37B', '27D', '27E']);
      // A quoted question holding a tab, quotes and non-ASCII text survives.
      expect(items[1].question).toBe(rows[1].question);
      const img = await items[1].loadImage();
      expect(img).toEqual(rows[1].image);
      await expect(items[1].loadImage()).rejects.toThrow(/already decoded/);
    }
  });

  it('reads lines longer than a read chunk (multi-megabyte base64 images)', async () => {
    const file = join(work, 'big.tsv');
    const rows = hrBenchFixtureRows();
    // Noise does not compress: about 2.2 MB of base64 for this row.
    const noise = testImage(800, 700, 3);
    const random = seededRandom(1);
    for (let i = 0; i < noise.data.length; i++) noise.data[i] = random() * 256;
    rows[0].image = noise;
    await writeFile(file, hrBenchTsv(rows));
    const lines: number[] = [];
    for await (const l of readLines(file)) lines.push(l.length);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBeGreaterThan(1 << 21);
    const items = await all(await readHrBench(file));
    expect(items).toHaveLength(2);
    const decoded = await items[0].loadImage();
    // Buffer.equals: a deep toEqual over megabytes is slow.
    expect(Buffer.from(decoded.data).equals(Buffer.from(noise.data))).toBe(true);
  });

  it('is lazy: rows before a broken one are served before the error', async () => {
    const file = join(work, 'lazy.tsv');
    await writeFile(file, hrBenchTsv(hrBenchFixtureRows()) + '7\tq\tZ\ta\tb\tc\td\tsingle\tAAAA\n');
    const d = await readHrBench(file);
    const seen: string[] = [];
    const iterate = async () => {
      for await (const it of d.items) seen.push(it.id);
    };
    await expect(iterate()).rejects.toThrow(/line 4.*answer "Z"/);
    expect(seen).toEqual(['0', '1']);
  });

  it('without an index column the row number is the id', async () => {
    const file = join(work, 'noindex.tsv');
    const png = Buffer.from(encodePng(testImage(40, 40))).toString('base64');
    await writeFile(file, `question\tanswer\tA\tB\tC\tD\tcategory\timage\nq1\tA\tx\ty\t\t\tsingle\t${png}\n`);
    const items = await all(await readHrBench(file));
    expect(items.map((i) => [i.id, i.options])).toEqual([['0', ['x', 'y']]]);
  });

  it.each([
    ['a missing column', 'index\tquestion\tanswer\tA\tB\tC\tD\timage\n', /missing column\(s\) category/],
    [
      'an answer that is no option',
      'question\tanswer\tA\tB\tcategory\timage\nq\tE\tx\ty\tsingle\tAAAA\n',
      /line 2.*answer "E"/,
    ],
    ['an empty image', 'question\tanswer\tA\tB\tcategory\timage\nq\tA\tx\ty\tsingle\t\n', /empty image/],
    [
      'a gap in the options',
      'question\tanswer\tA\tB\tC\tcategory\timage\nq\tA\tx\t\tz\tsingle\tAAAA\n',
      /option is empty/,
    ],
    [
      'a quote never closed',
      'question\tanswer\tA\tB\tcategory\timage\n"q\tA\tx\ty\tsingle\tAAAA\n',
      /line 2.*never closed/,
    ],
    ['an empty file', '', /empty/],
  ])('refuses %s with a typed error', async (_name, text, message) => {
    const file = join(work, 'bad.tsv');
    await writeFile(file, text);
    const attempt = async () => all(await readHrBench(file));
    await expect(attempt()).rejects.toBeInstanceOf(MalformedDatasetError);
    await expect(attempt()).rejects.toThrow(message);
  });

  it('refuses a path that is not a file', async () => {
    await expect(readHrBench(join(work, 'nope.tsv'))).rejects.toBeInstanceOf(DatasetNotFoundError);
    await expect(readHrBench(work)).rejects.toBeInstanceOf(DatasetNotFoundError);
  });
});
