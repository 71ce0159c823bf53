/**
 * The fixtures' "no console errors" rule for a page shared by a serial group (beforeAll pages
 * are not the `page` fixture): collect errors, let one test allow an exact message it explains,
 * and hand the rest to afterEach to assert empty.
 */
import type { Page } from '@playwright/test';

export interface ConsoleWatch {
  /** Errors since the last take(), minus those matching an allowed pattern; clears the list. */
  take(): string[];
  /** Until the next take(), ignore console errors matching `pattern` (one test's known noise). */
  allow(pattern: RegExp): void;
}

export function watchConsole(page: Page): ConsoleWatch {
  let errors: string[] = [];
  let allowed: RegExp[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return {
    take() {
      const out = errors.filter((e) => !allowed.some((re) => re.test(e)));
      errors = [];
      allowed = [];
      return out;
    },
    allow(pattern) {
      allowed.push(pattern);
    },
  };
}
