import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkLimitError, ExternalDataSink, chunkFileName, type PlacedPiece } from './external-data';

const root = mkdtempSync(join(tmpdir(), 'deepeyes-extdata-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

const fresh = (name: string) => join(root, name);
type Loc = { location: string; offset: number; length: number };

describe('ExternalDataSink', () => {
  it('keeps tensors under 1 KB inline and aligns the others to 16 bytes', () => {
    const dir = fresh('align');
    const sink = new ExternalDataSink({ dir, modelFile: 'm.onnx' });
    expect(sink.place('small', bytes(1023, 1))).toBeUndefined();
    expect(sink.place('a', bytes(1030, 2))).toEqual({ location: 'm.onnx_data', offset: 0, length: 1030 });
    expect(sink.place('b', bytes(1024, 3))).toEqual({ location: 'm.onnx_data', offset: 1040, length: 1024 });
    sink.close();
    const data = readFileSync(join(dir, 'm.onnx_data'));
    expect(data.length).toBe(2064);
    expect([data[1029], data[1030], data[1039], data[1040]]).toEqual([2, 0, 0, 3]);
    expect(sink.files()).toEqual(['m.onnx_data']);
    expect(sink.largestPiece).toBe(1030);
  });

  it('rolls over to X.onnx_data_1 before a chunk would pass the limit; a bigger tensor gets a chunk of its own', () => {
    const dir = fresh('roll');
    const sink = new ExternalDataSink({ dir, modelFile: 'm.onnx', chunkLimit: 4096 });
    const locs = [
      sink.place('a', bytes(2048, 1)),
      sink.place('b', bytes(2048, 2)),
      sink.place('c', bytes(1024, 3)),
      sink.place('big', bytes(5000, 4)),
      sink.place('d', bytes(1024, 5)),
    ];
    sink.close();
    expect(locs.map((l) => `${l?.location}@${l?.offset}`)).toEqual([
      'm.onnx_data@0',
      'm.onnx_data@2048',
      'm.onnx_data_1@0',
      'm.onnx_data_2@0',
      'm.onnx_data_3@0',
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      'm.onnx_data',
      'm.onnx_data_1',
      'm.onnx_data_2',
      'm.onnx_data_3',
    ]);
    expect(statSync(join(dir, 'm.onnx_data')).size).toBe(4096);
    expect(chunkFileName('m.onnx', 2)).toBe('m.onnx_data_2');
  });

  it('refuses a chunk limit of 2 GB or more', () => {
    expect(
      () => new ExternalDataSink({ dir: fresh('limit'), modelFile: 'm.onnx', chunkLimit: 2 ** 31 }),
    ).toThrow(ChunkLimitError);
  });

  it('resumes: answers recorded pieces without writing, cuts a half-written tail, appends after it', () => {
    const dir = fresh('resume');
    const first = new ExternalDataSink({ dir, modelFile: 'm.onnx', chunkLimit: 4096 });
    const a = first.place('a', bytes(3000, 1)) as Loc;
    const b = first.place('b', bytes(2000, 2)) as Loc;
    first.close();
    const recorded: PlacedPiece[] = [
      { name: 'a', ...a },
      { name: 'b', ...b },
    ];
    // A crash while writing c: garbage after b, and a stale later chunk.
    writeFileSync(
      join(dir, 'm.onnx_data_1'),
      Buffer.concat([readFileSync(join(dir, 'm.onnx_data_1')), Buffer.alloc(500, 9)]),
    );
    writeFileSync(join(dir, 'm.onnx_data_2'), bytes(10, 9));

    const again = new ExternalDataSink({ dir, modelFile: 'm.onnx', chunkLimit: 4096, restored: recorded });
    expect(again.place('a', new Uint8Array(3000))).toEqual(a);
    expect(again.place('b', new Uint8Array(2000))).toEqual(b);
    expect(again.place('c', bytes(1024, 3))).toEqual({
      location: 'm.onnx_data_1',
      offset: 2000,
      length: 1024,
    });
    again.close();
    expect(readdirSync(dir).sort()).toEqual(['m.onnx_data', 'm.onnx_data_1']);
    const tail = readFileSync(join(dir, 'm.onnx_data_1'));
    expect(tail.length).toBe(3024);
    expect([tail[0], tail[1999], tail[2000], tail[3023]]).toEqual([2, 2, 3, 3]);
    expect(readFileSync(join(dir, 'm.onnx_data'))[0]).toBe(1);
  });
});
