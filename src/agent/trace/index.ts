/** The versioned trace format: schema, validation of untrusted input, migrations, exports. */
export * from './schema';
export * from './png-data-url';
export * from './migrations';
export * from './trace-io';
export * from './json-schema';
export * from './deepeyes-jsonl';
