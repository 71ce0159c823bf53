/**
 * JSON Schema of the trace format, for people who read traces with other tools. Generated from the
 * zod schema; refinements that JSON Schema cannot express (the PNG signature check, the total
 * size) are only enforced by parseTrace.
 */
import { z } from 'zod';
import { TRACE_FORMAT, TRACE_VERSION, traceSchema } from './schema';

export function traceJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(traceSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: `DeepEyes trace (format "${TRACE_FORMAT}", version ${TRACE_VERSION})` };
}

/** The schema as pretty-printed JSON text, ready to be written to a file. */
export function traceJsonSchemaText(): string {
  return JSON.stringify(traceJsonSchema(), null, 2) + '\n';
}
