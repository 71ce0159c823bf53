/**
 * `npm run convert -- hf:owner/name out/` against the loopback hub (HF_ENDPOINT, HF_TOKEN): the
 * output equals a conversion of the same checkpoint from the local folder, byte for byte.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertModel } from '../convert/convert';
import { makeHubCheckpoint } from '../../test/support/hub-checkpoint';
import { startHubServer, type HubServer } from '../../test/support/hub-server';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'deepeyes-convert-hub-'));
const dir = join(root, 'ckpt');
let hub: HubServer;

function listFiles(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(d, join(e.parentPath, e.name)))
    .sort();
}

function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/convert.ts', ...args], {
    env: { ...process.env, ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

beforeAll(async () => {
  await makeHubCheckpoint(dir);
  hub = await startHubServer({ 'org/gated': { dir, gatedToken: 'hf_secret' } });
}, 120_000);

afterAll(async () => {
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('convert CLI from the hub', () => {
  it('hf:org/repo with HF_ENDPOINT and HF_TOKEN writes the same bytes as the local conversion', async () => {
    const viaHub = join(root, 'via-hub');
    const local = join(root, 'local');
    const r = await cli(['hf:org/gated', viaHub, '--dtype', 'q4', '--chunk-mb', '8'], {
      HF_ENDPOINT: hub.endpoint,
      HF_TOKEN: 'hf_secret',
    });
    expect(r.code, r.stderr).toBe(0);
    await convertModel({
      hfDir: dir,
      outDir: local,
      dtypes: ['q4'],
      chunkLimit: 8 << 20,
      modelId: 'org/gated',
    });
    const files = listFiles(local);
    expect(listFiles(viaHub)).toEqual(files);
    expect(files).toContain('onnx/decoder_model_merged_q4.onnx');
    for (const f of files)
      expect(readFileSync(join(viaHub, f)).equals(readFileSync(join(local, f))), f).toBe(true);
    // No weights were fetched whole: every CDN read was a Range request.
    expect(hub.requests.filter((q) => q.server === 'cdn' && q.method === 'GET').every((q) => q.range)).toBe(
      true,
    );
  }, 180_000);

  it('a gated repo without a token fails with the advice to accept the licence and add a token', async () => {
    const r = await cli(['hf:org/gated', join(root, 'nope')], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 401/);
    expect(r.stderr).toMatch(/accept its licence/);
  }, 60_000);
});
