/** Node only: writes the trace JSON Schema to a file (for the docs and external tools). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { traceJsonSchemaText } from './json-schema';

export function writeTraceJsonSchema(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, traceJsonSchemaText());
}
