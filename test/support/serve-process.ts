/** Node only (tests): `npm run serve` as a real child process on loopback, started and stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ServeProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Everything it printed. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts src/cli/serve.ts through tsx and waits for its "serving … at URL" line. */
export function startServe(args: string[], timeoutMs = 60_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli/serve.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`serve did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /serving ".*" at (http:\/\/\S+\/v1)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ baseUrl: m[1], child, log: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited (${code}) before it was ready:\n${out}`));
    });
  });
}
