/**
 * Peak memory of processes on Linux without /usr/bin/time: VmHWM (the resident-set high-water
 * mark) from /proc/<pid>/status, polled while a child runs since the file vanishes at exit.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** Resident set now, bytes. */
  rss: number;
  /** Peak resident set so far, bytes. */
  hwm: number;
}

/** Memory of `pid` ('self' for this process), or undefined when it is gone or /proc is missing. */
export function procMemory(pid: number | 'self' = 'self'): ProcMemory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Largest VmHWM seen while it ran (sampled every `pollMs`). */
  peakRss: number;
  stdout: string;
  stderr: string;
}

export interface MeasuredOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  pollMs?: number;
  /** Sees each stdout/stderr piece as it arrives (for progress and for deciding to interrupt). */
  onOutput?: (text: string, child: { kill(signal: NodeJS.Signals): void; pid: number }) => void;
  /** Called once the child is spawned (to interrupt it on a condition of your own). */
  onStart?: (child: { kill(signal: NodeJS.Signals): void; pid: number }) => void;
  /** Echo the child's output to this process's stderr. */
  echo?: boolean;
}

/** Runs `cmd args` (at nice 10) and samples its peak RSS; `cmd` must be the process to measure (node, not npm). */
export function runMeasured(cmd: string, args: string[], opts: MeasuredOptions = {}): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('nice', ['-n', '10', cmd, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peak = 0;
    let stdout = '';
    let stderr = '';
    const sample = () => {
      // `nice` execs cmd in place, so the child's pid is the measured process.
      const m = child.pid ? procMemory(child.pid) : undefined;
      if (m && Number.isFinite(m.hwm)) peak = Math.max(peak, m.hwm);
    };
    const timer = setInterval(sample, opts.pollMs ?? 200);
    const handle = { kill: (s: NodeJS.Signals) => child.kill(s), pid: child.pid ?? -1 };
    opts.onStart?.(handle);
    child.stdout.on('data', (b: Buffer) => {
      const t = b.toString();
      stdout += t;
      if (opts.echo) process.stderr.write(t);
      opts.onOutput?.(t, handle);
    });
    child.stderr.on('data', (b: Buffer) => {
      const t = b.toString();
      stderr += t;
      if (opts.echo) process.stderr.write(t);
      opts.onOutput?.(t, handle);
    });
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', () => sample());
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, wallMs: performance.now() - t0, peakRss: peak, stdout, stderr });
    });
  });
}

/** The `PREFIX {json}` line a bench child prints as its result. */
export function resultLine<T>(stdout: string, prefix: string): T | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(`${prefix} `));
  return line ? (JSON.parse(line.slice(prefix.length + 1)) as T) : undefined;
}
