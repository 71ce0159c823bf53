/**
 * Test engine for evaluation runs: one scripted conversation per item. The executor resets the
 * engine at the start of every run, so each reset moves on to the next item's script.
 */
import type { Message, TurnEngine, TurnOptions, TurnResult } from '../../src/base/engine';
import { ScriptedEngine, scriptToIds } from './scripted-engine';
import type { Tokenizer } from '../../src/model/tokenizer/tokenizer';
import type { ChatTemplate } from '../../src/model/tokenizer/chat-template';

export class PerItemScriptedEngine implements TurnEngine {
  readonly backend = 'none';
  readonly imageLimits = {};
  /** Items started (resets seen). */
  runs = 0;
  private current: ScriptedEngine | undefined;

  constructor(
    readonly tokenizer: Tokenizer,
    readonly template: ChatTemplate,
    /** Assistant turns (text) of each item's run, in run order. */
    private readonly scripts: string[][],
    readonly modelId = 'scripted-eval',
  ) {}

  get tokensFed(): number {
    return this.current?.tokensFed ?? 0;
  }

  reset(): void {
    const turns = this.scripts[this.runs++];
    if (!turns) throw new Error(`no script for run ${this.runs}`);
    this.current = new ScriptedEngine(this.tokenizer, this.template, scriptToIds(this.tokenizer, turns));
    this.current.reset();
  }

  turn(append: readonly Message[], opts: TurnOptions): Promise<TurnResult> {
    if (!this.current) throw new Error('turn before reset');
    return this.current.turn(append, opts);
  }
}
