// Where the CLI gets a passphrase or phrase: a file, an environment variable, or a hidden prompt on a
// terminal. Never an argument, since arguments show in `ps` and shell history.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { DaomeshError } from '../../core/errors.ts';
import { userPath } from '../host/data-dir.ts';

/** `repeat`: a new secret is asked for twice at a prompt (a typo there would lock the user out), this the second prompt. */
export type SecretSource = { file?: string | undefined; env: string; prompt: string; what: string; repeat?: string };

export async function readSecret(source: SecretSource): Promise<string> {
  if (source.file !== undefined) {
    const text = await readFile(userPath(source.file), 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new DaomeshError('BAD_REQUEST', `Cannot read the ${source.what} file ${source.file} (${error.code ?? error.message}).`);
    });
    return text.replace(/\r?\n$/, '');
  }
  const fromEnv = process.env[source.env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new DaomeshError('BAD_REQUEST', `No ${source.what} given.`, `Pass --${source.what.replace(/ /g, '-')}-file FILE or set ${source.env}.`);
  }
  if (source.repeat === undefined) return (await promptHidden([source.prompt]))[0]!;
  const [first, second] = await promptHidden([source.prompt, source.repeat]);
  if (first !== second) throw new DaomeshError('BAD_REQUEST', `The two ${source.what}s typed differ; nothing was changed.`, 'Run the command again.');
  return first!;
}

/** Asks each prompt in turn, echoing nothing typed; one reader for all, so answers typed ahead are kept. */
async function promptHidden(prompts: readonly string[]): Promise<string[]> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const reader = createInterface({ input: process.stdin, output, terminal: true });
  // Lines as they come, a second one typed ahead of its prompt included (a pending question would drop it).
  const typed: string[] = [];
  let waiting: ((line: string) => void) | null = null;
  reader.on('line', (line) => {
    if (waiting) waiting(line);
    else typed.push(line);
  });
  const nextLine = (): Promise<string> =>
    typed.length > 0
      ? Promise.resolve(typed.shift()!)
      : new Promise((resolve) => {
          waiting = (line) => {
            waiting = null;
            resolve(line);
          };
        });
  const answers: string[] = [];
  try {
    for (const prompt of prompts) {
      process.stderr.write(prompt);
      muted = true;
      try {
        answers.push(await nextLine());
      } finally {
        muted = false;
        process.stderr.write('\n');
      }
    }
    return answers;
  } finally {
    reader.close();
  }
}
