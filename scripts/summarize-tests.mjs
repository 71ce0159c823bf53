// Prints one closing line over both runners: "tests: N passed, M failed" (M includes failed steps).
import { readFileSync, existsSync } from 'node:fs';

const [vitestFile, playwrightFile, failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
if (existsSync(vitestFile)) {
  const v = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
}
if (existsSync(playwrightFile)) {
  const s = JSON.parse(readFileSync(playwrightFile, 'utf8')).stats ?? {};
  passed += s.expected ?? 0;
  failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
}
const steps = Number(failedSteps ?? 0);
console.log(`\ntests: ${passed} passed, ${failed + (failed === 0 ? steps : 0)} failed`);
