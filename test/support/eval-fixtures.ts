/** Node only (tests): small V* folders and HR-Bench TSVs written to disk, laid out like the real ones. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { encodePng } from '../../src/image-io/png';

import type { RgbImage } from '../../src/base/types';
/** A gradient with a coloured square, so crops differ from place to place. */
export function testImage(width: number, height: number, seed = 0): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inSquare = x > width / 3 && x < width / 2 && y > height / 3 && y < height / 2;
      data[i] = inSquare ? 220 : (x * 255) / width;
      data[i + 1] = inSquare ? 30 : (y * 255) / height;
      data[i + 2] = (seed * 53 + x + y) & 255;
    }
  return { width, height, data };
}

export function jpegBytes(image: RgbImage): Uint8Array {
  const rgba = Buffer.alloc(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) {
    rgba[p * 4] = image.data[p * 3];
    rgba[p * 4 + 1] = image.data[p * 3 + 1];
    rgba[p * 4 + 2] = image.data[p * 3 + 2];
    rgba[p * 4 + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ data: rgba, width: image.width, height: image.height }, 90).data);
}

export interface VstarFixtureItem {
  category: 'direct_attributes' | 'relative_position';
  file: string;
  question: string;
  /** The right one first, as in V*. */
  options: string[];
  width: number;
  height: number;
}

export const VSTAR_FIXTURE: VstarFixtureItem[] = [
  {
    category: 'direct_attributes',
    file: 'sa_101.jpg',
    question: 'What is the color of the square?',
    options: ['red', 'green', 'blue', 'white'],
    width: 64,
    height: 48,
  },
  {
    category: 'relative_position',
    file: 'sa_202.jpg',
    question: 'Is the square on the left or right side of the picture?',
    options: ['The square is on the left.', 'The square is on the right.'],
    width: 56,
    height: 56,
  },
];

export async function writeVstarFixture(
  dir: string,
  items: VstarFixtureItem[] = VSTAR_FIXTURE,
): Promise<void> {
  for (const [k, it] of items.entries()) {
    const folder = join(dir, it.category);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, it.file), jpegBytes(testImage(it.width, it.height, k)));
    const annotation = {
      target_object: ['square'],
      bbox: [[Math.round(it.width / 3), Math.round(it.height / 3), 10, 8]],
      question: it.question,
      options: it.options,
    };
    await writeFile(join(folder, it.file.replace(/\.jpg$/, '.json')), JSON.stringify(annotation));
  }
}

export interface HrBenchFixtureRow {
  index: number;
  question: string;
  answer: string;
  options: [string, string, string, string];
  category: string;
  image: RgbImage;
}

export function hrBenchFixtureRows(): HrBenchFixtureRow[] {
  return [
    {
      index: 0,
      question: 'What is the number displayed above the entrance?',
      answer: 'B',
      options: ['27B', '37B', '27D', '27E'],
      category: 'single',
      image: testImage(60, 40, 1),
    },
    {
      index: 1,
      question: 'Which sign is "closer" to the camera, the café\tor the bank?',
      answer: 'D',
      options: ['the café', 'the bank', 'both', 'neither'],
      category: 'cross',
      image: testImage(48, 64, 2),
    },
  ];
}

/** pandas' to_csv quoting: only fields holding a tab, newline or quote are quoted. */
function tsvField(v: string): string {
  return /[\t\n"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Columns in the order of the published files' loaders: index, question, answer, A-D, category, image. */
export function hrBenchTsv(rows: HrBenchFixtureRow[], eol = '\n'): string {
  const header = ['index', 'question', 'answer', 'A', 'B', 'C', 'D', 'category', 'image'];
  const lines = rows.map((r) =>
    [
      String(r.index),
      r.question,
      r.answer,
      ...r.options,
      r.category,
      Buffer.from(encodePng(r.image)).toString('base64'),
    ]
      .map(tsvField)
      .join('\t'),
  );
  return [header.join('\t'), ...lines].join(eol) + eol;
}
