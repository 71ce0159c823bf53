/** Collects check results and prints `PASS|FAIL <name> <max error>` lines as they happen. */
export interface CheckResult {
  name: string;
  pass: boolean;
  value: number;
  detail?: string;
}

export class CheckSink {
  readonly results: CheckResult[] = [];
  constructor(private readonly print: (line: string) => void = () => {}) {}

  check(name: string, pass: boolean, value: number, detail?: string): boolean {
    this.results.push({ name, pass, value, detail });
    const v = Number.isInteger(value) ? String(value) : value.toExponential(3);
    this.print(`${pass ? 'PASS' : 'FAIL'} ${name} ${v}${detail ? `  (${detail})` : ''}`);
    return pass;
  }

  note(line: string): void {
    this.print(`  ${line}`);
  }

  get passed(): number {
    return this.results.filter((r) => r.pass).length;
  }

  get failed(): number {
    return this.results.length - this.passed;
  }

  summary(): string {
    return `golden: ${this.passed} passed, ${this.failed} failed`;
  }
}
