/**
 * Debian Chromium launched for the browser benches: the e2e WebGPU flags, a persistent profile on
 * disk (a default, incognito-like context keeps OPFS in memory with a small quota, which would put
 * a multi-GB model cache in RAM and into the memory figures), and a memory sampler on its process
 * tree. `close()` stops the sampler, closes the browser and removes the profile.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import config from '../playwright.config';
import { MemorySampler, findProcess } from './chromium-memory';

export interface MeasuredChromium {
  browser: BrowserContext;
  sampler?: MemorySampler;
  close(): Promise<void>;
}

/** `sampleEveryMs`: the memory sampler's period (its default suits a 7 GB process). */
export async function launchMeasuredChromium(
  profileDir: string,
  sampleEveryMs?: number,
): Promise<MeasuredChromium> {
  const args = (config.use?.launchOptions?.args ?? []) as string[];
  // A switch Chromium ignores, to find the browser process in /proc (Playwright does not expose it).
  const tag = `--deepeyes-bench=${process.pid}-${Date.now()}`;
  const profile = join(profileDir, `profile-${Date.now()}`);
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: [...args, tag],
  });
  const pid = findProcess(tag);
  const sampler = pid ? new MemorySampler(pid, sampleEveryMs) : undefined;
  return {
    browser,
    sampler,
    async close() {
      sampler?.stop();
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
