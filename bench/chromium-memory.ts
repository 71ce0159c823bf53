/**
 * Memory of a Chromium instance on Linux: the sum over the browser process and all its
 * descendants (renderers, the GPU process where SwiftShader keeps "GPU" buffers, utilities) of
 * VmRSS and of PSS (smaps_rollup; shared pages counted once across them), sampled from /proc.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface TreeMemory {
  processes: number;
  rss: number;
  pss: number;
  /** The same sums per Chromium process type (`--type=renderer`, `gpu-process`, ...; `browser` for the root). */
  byType?: Record<string, { rss: number; pss: number }>;
}

/** Chromium's `--type=` switch of a process ('browser' when it has none). */
function processType(pid: number): string {
  try {
    const arg = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split(/[\0 ]/) // Chromium rewrites its children's command lines, joined by spaces
      .find((a) => a.startsWith('--type='));
    return arg ? arg.slice('--type='.length) : 'browser';
  } catch {
    return 'gone';
  }
}

function kb(text: string, key: string): number {
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
}

/** pid -> parent pid for every process now. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // comm may hold spaces and parentheses: the fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      out.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

/** The oldest process whose command line holds `marker` (a unique switch given at launch). */
export function findProcess(marker: string): number | undefined {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(marker))
        found.push(Number(name));
    } catch {
      // gone
    }
  }
  const ppid = parents();
  // The browser process is the one whose parent does not hold the marker too.
  return found.find((p) => !found.includes(ppid.get(p) ?? -1));
}

export function treeMemory(root: number): TreeMemory {
  const ppid = parents();
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of ppid) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const sum: TreeMemory = { processes: 0, rss: 0, pss: 0, byType: {} };
  for (const pid of tree) {
    try {
      const rss = kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      let pss = 0;
      try {
        pss = kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      } catch {
        pss = rss;
      }
      sum.processes++;
      sum.rss += rss;
      sum.pss += pss;
      const t = (sum.byType![processType(pid)] ??= { rss: 0, pss: 0 });
      t.rss += rss;
      t.pss += pss;
    } catch {
      // exited
    }
  }
  return sum;
}

/** Samples treeMemory(root) every `everyMs`; `peak(label)` is the largest seen since mark(label). */
export class MemorySampler {
  private readonly timer: NodeJS.Timeout;
  private readonly peaks = new Map<string, TreeMemory>();
  private current = '';

  constructor(
    private readonly root: number,
    // smaps_rollup walks the page tables of a 7 GB process: sampling often steals the CPU being measured.
    everyMs = 2000,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  mark(label: string): void {
    this.current = label;
    this.sample();
  }

  sample(): TreeMemory {
    const m = treeMemory(this.root);
    const p = this.peaks.get(this.current);
    // Each figure's own peak (the renderer's peak need not fall on the tree's).
    const byType: Record<string, { rss: number; pss: number }> = { ...p?.byType };
    for (const [t, v] of Object.entries(m.byType ?? {}))
      byType[t] = { rss: Math.max(v.rss, byType[t]?.rss ?? 0), pss: Math.max(v.pss, byType[t]?.pss ?? 0) };
    this.peaks.set(this.current, {
      processes: Math.max(m.processes, p?.processes ?? 0),
      rss: Math.max(m.rss, p?.rss ?? 0),
      pss: Math.max(m.pss, p?.pss ?? 0),
      byType,
    });
    return m;
  }

  peak(label: string): TreeMemory | undefined {
    return this.peaks.get(label);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
