#!/usr/bin/env node
/**
 * Which layer imports which: one line per src/ folder, "layer -> layer(count), ...", counting the
 * import/export-from statements of production files (tests are left out) that reach another
 * top-level src/ folder. Type-only imports count: they are dependencies too.
 *
 *   node scripts/import-graph.mjs            the working tree
 *   node scripts/import-graph.mjs 9709c3a    any commit (read through git, nothing checked out)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const rev = process.argv[2];
const git = (...args) => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 1 << 28 });

const files = (
  rev
    ? git('ls-tree', '-r', '--name-only', rev, 'src')
    : git('ls-files', '--cached', '--others', '--exclude-standard', 'src')
)
  .split('\n')
  .filter((f) => /\.(ts|tsx|mts|js|mjs)$/.test(f) && !/\.test\.tsx?$/.test(f));
const read = (f) => (rev ? git('show', `${rev}:${f}`) : readFileSync(f, 'utf8'));

/** src/<folder>/... -> folder; a file directly in src/ is the entry ("main"). */
const layerOf = (file) => {
  const parts = path.posix.normalize(file).split('/');
  if (parts[0] !== 'src') return parts[0] === 'test' ? 'test' : null;
  return parts.length > 2 ? parts[1] : 'main';
};

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

const edges = new Map();
for (const file of files) {
  const from = layerOf(file);
  if (!from) continue;
  const text = read(file);
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec?.startsWith('.')) continue;
    const to = layerOf(path.posix.join(path.posix.dirname(file), spec));
    if (!to || to === from) continue;
    const row = edges.get(from) ?? new Map();
    row.set(to, (row.get(to) ?? 0) + 1);
    edges.set(from, row);
  }
}

const layers = [...new Set(files.map(layerOf).filter(Boolean))].sort();
for (const layer of layers) {
  const row = [...(edges.get(layer) ?? new Map())].sort(([a], [b]) => a.localeCompare(b));
  console.log(`${layer} -> ${row.map(([to, n]) => `${to}(${n})`).join(', ') || '(nothing)'}`);
}
