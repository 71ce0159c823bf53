/**
 * Argument pieces shared by the Node command-line tools (run-model, evaluate): `--flag value`
 * pairs, a few boolean switches, and the agent settings every tool that runs DeepEyes accepts.
 */
import { DEFAULT_SETTINGS, type AgentSettings } from '../agent/types';

export type Flags = Map<string, string | true>;

export interface ParsedArgv {
  positional: string[];
  flags: Flags;
}

/** Each tool has its own usage error (its message carries that tool's usage line). */
export type UsageErrorFactory = (message: string) => Error;

/** Splits argv into positionals and `--name value` flags; `booleans` name the switches that take no value. */
export function parseArgv(
  argv: readonly string[],
  booleans: readonly string[],
  usageError: UsageErrorFactory,
): ParsedArgv {
  const positional: string[] = [];
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) positional.push(a);
    else if (booleans.includes(a.slice(2))) flags.set(a.slice(2), true);
    else {
      const v = argv[++i];
      if (v === undefined) throw usageError(`${a} needs a value`);
      flags.set(a.slice(2), v);
    }
  }
  return { positional, flags };
}

export function numberFlag(
  flags: Flags,
  key: string,
  fallback: number,
  usageError: UsageErrorFactory,
): number {
  const v = flags.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw usageError(`--${key} must be a number, got ${String(v)}`);
  return n;
}

export function stringFlag(flags: Flags, key: string): string | undefined {
  const v = flags.get(key);
  return typeof v === 'string' ? v : undefined;
}

/**
 * --max-crops, --max-tokens, --max-total, --temperature, --top-p, --seed, --rotate.
 * Greedy unless a temperature above 0 is given (the official evals decode greedily).
 */
export function agentSettingsFromFlags(flags: Flags, usageError: UsageErrorFactory): AgentSettings {
  const num = (k: string, fallback: number) => numberFlag(flags, k, fallback, usageError);
  const temperature = num('temperature', 0);
  return {
    maxCrops: num('max-crops', DEFAULT_SETTINGS.maxCrops),
    maxTokensPerTurn: num('max-tokens', DEFAULT_SETTINGS.maxTokensPerTurn),
    maxTotalTokens: num('max-total', DEFAULT_SETTINGS.maxTotalTokens),
    sampling:
      temperature > 0
        ? { kind: 'sample', temperature, topP: num('top-p', 1), seed: num('seed', 0) }
        : { kind: 'greedy' },
    rotateTool: flags.get('rotate') === true,
  };
}
