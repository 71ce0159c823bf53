/**
 * Test engine for evaluation runs: one scripted conversation per item. runDeepEyes resets the
 * engine at the start of every run, so each reset moves on to the next item's script.
 */
import type { Engine } from '../../src/agent/engine';
import { ScriptedEngine, scriptToIds } from './scripted-engine';
import type { Tokenizer } from '../../src/model/tokenizer/tokenizer';
import type { ChatTemplate } from '../../src/model/tokenizer/chat-template';
import type { GenerateOptions } from '../../src/model/runtime/generate';
import type { PreparedImage } from '../../src/model/image/prepare-image';

export class PerItemScriptedEngine implements Engine {
  readonly backend = 'none';
  readonly imageOptions = {};
  readonly stopIds = { imEnd: 151645, toolCallEnd: 151658 };
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
  }

  private engine(): ScriptedEngine {
    if (!this.current) throw new Error('prefill before reset');
    return this.current;
  }

  prefill(ids: readonly number[], images: readonly PreparedImage[]) {
    return this.engine().prefill(ids, images);
  }

  generate(logits: Float32Array, opts: GenerateOptions) {
    return this.engine().generate(logits, opts);
  }
}
