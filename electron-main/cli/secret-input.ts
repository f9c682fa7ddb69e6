// Where the CLI gets a passphrase or phrase: a file, an environment variable, or a hidden prompt on a
// terminal. Never an argument, since arguments show in `ps` and shell history.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { DaomeshError } from '../../core/errors.ts';

export type SecretSource = { file?: string | undefined; env: string; prompt: string; what: string };

export async function readSecret(source: SecretSource): Promise<string> {
  if (source.file !== undefined) {
    const text = await readFile(source.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new DaomeshError('BAD_REQUEST', `Cannot read the ${source.what} file ${source.file} (${error.code ?? error.message}).`);
    });
    return text.replace(/\r?\n$/, '');
  }
  const fromEnv = process.env[source.env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new DaomeshError('BAD_REQUEST', `No ${source.what} given.`, `Pass --${source.what.replace(/ /g, '-')}-file FILE or set ${source.env}.`);
  }
  return await promptHidden(source.prompt);
}

async function promptHidden(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const reader = createInterface({ input: process.stdin, output, terminal: true });
  process.stderr.write(prompt);
  muted = true;
  try {
    return await new Promise<string>((resolve) => reader.question('', resolve));
  } finally {
    muted = false;
    process.stderr.write('\n');
    reader.close();
  }
}
