/**
 * The LLM judge for answers the rules cannot score (score.ts step 5), as the official DeepEyes
 * evaluation does it: a text model is shown the question, the standard answer `{L}. {option}` and
 * the model's answer, with a few worked examples, and replies 1 (consistent) or 0. Our wording;
 * the same shape and the same reading of the reply (the last "Judgement:" part; a reply that is
 * neither 1 nor 0 counts as wrong).
 */
import type { Verdict } from './score';

const INSTRUCTIONS =
  'You compare two answers to a question. [Question] is the question, [Standard Answer] is the ' +
  "correct answer, and [Model Answer] is what a model answered. Decide whether the model's answer " +
  'means the same as the standard answer; wording may differ ("pink" and "it is pink" agree). ' +
  'Reply with the judgement only: 1 if they agree, 0 if they do not.';

const EXAMPLES: [string, string, string, 0 | 1][] = [
  ['What colour is the mug?', 'A. The mug is green.', 'green', 1],
  ['Which side of the road is the bus on?', 'B. The bus is on the right side.', 'B', 1],
  ['Is the dog small and white?', 'A. Yes, the dog is small and white.', 'yes', 1],
  [
    'Who is holding the umbrella?',
    'A. The woman is holding the umbrella.',
    'C. The child holds the umbrella.',
    0,
  ],
  ['What colour is the sign?', 'A. The sign is red.', 'The sign is yellow.', 0],
];

function block(question: string, standard: string, answer: string): string {
  return `[Question]: ${question}\n[Standard Answer]: ${standard}\n[Model Answer]: ${answer}\nJudgement:`;
}

/** The judge's user message. `standard` is `{letter}. {option}` as the model was shown them. */
export function judgePrompt(question: string, standard: string, answer: string): string {
  const shots = EXAMPLES.map(([q, s, a, j]) => `${block(q, s, a)} ${j}`).join('\n\n');
  return `${INSTRUCTIONS}\n\n${shots}\n\n${block(question, standard, answer)}`;
}

/** The judge's reply as a verdict: the text after the last "Judgement:", 1 or 0; anything else is wrong. */
export function parseJudgement(reply: string): Extract<Verdict, 'correct' | 'wrong'> {
  const at = reply.lastIndexOf('Judgement:');
  const tail = (at >= 0 ? reply.slice(at + 'Judgement:'.length) : reply).trim();
  if (at >= 0 ? tail.includes('1') : tail === '1') return 'correct';
  return 'wrong';
}

/** Asks a judge model; resolves with its reply text. */
export type JudgeAsk = (system: string, user: string) => Promise<string>;

export const JUDGE_SYSTEM = 'You are a helpful assistant.';
