// `daomesh dao text`: read and edit a DAO's collaborative texts (the live charter, proposal drafts). Edits go
// through the node like the UI's: `--set` sends only the span that differs from what the node holds now, and
// `--append` a position that means "the end of the node's text", so a member's edit elsewhere is never undone.
import { base64 } from '@scure/base';
import type { Command } from 'commander';
import * as Y from 'yjs';
import type { TextOp } from '../../core/bridge/api.ts';
import { maxTextChars } from '../../core/dao/text-limits.ts';
import { spliceBetween } from '../../core/dao/text-splice.ts';
import { DaomeshError } from '../../core/errors.ts';
import type { CliContext } from './dao-commands.ts';
import { terminalText } from './terminal-text.ts';

type TextOptions = { set?: string; append?: string; list?: boolean };

/** The end of the text, whatever its length on the node: a relative position by root name. */
function endOf(name: string): string {
  return base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ tname: `text:${name}`, assoc: 0 })));
}

export function addTextCommands(program: Command, cli: CliContext): void {
  const dao = program.commands.find((command) => command.name() === 'dao');
  if (!dao) throw new Error('the dao command must be registered first');

  dao
    .command('text')
    .description("print or edit a DAO's collaborative text: its working charter (default) or a draft (draft:<id>)")
    .argument('<dao>', 'DAO id')
    .argument('[name]', "'charter' or 'draft:<id>'", 'charter')
    .option('--set <text>', 'replace the text with this')
    .option('--append <text>', 'add this at the end of the text')
    .option('--list', 'list the texts that hold something, with their lengths')
    .action(async (id: string, name: string, options: TextOptions, command: Command) => {
      const json = cli.json(command);
      if ([options.set, options.append, options.list].filter((given) => given !== undefined).length > 1) {
        throw new DaomeshError('BAD_REQUEST', 'Give one of --set, --append and --list.');
      }
      if (options.list) {
        const texts = await cli.withApi(command, (api) => api.call('dao.texts', { dao: id }));
        cli.print(json, texts, texts.length === 0 ? 'no texts yet' : texts.map((text) => `${text.name}  ${text.length} characters`).join('\n'));
        return;
      }
      if (options.set === undefined && options.append === undefined) {
        const { text } = await cli.withApi(command, (api) => api.call('dao.text', { dao: id, text: name }));
        cli.print(json, { dao: id, name, text }, terminalText(text));
        return;
      }
      const given = options.set ?? options.append ?? '';
      if (given.length > maxTextChars) {
        // Refused here as the node would refuse the whole text (text-edit.ts), not as an over-long parameter.
        throw new DaomeshError(
          'TEXT_TOO_LONG',
          `That text is ${given.length.toLocaleString('en')} characters long; a text may hold at most ${maxTextChars.toLocaleString('en')}.`,
          'Shorten it, or split it into several drafts.',
        );
      }
      const result = await cli.withApi(command, async (api) => {
        let ops: TextOp[];
        if (options.append !== undefined) {
          ops = [{ at: endOf(name), insert: options.append }];
        } else {
          const { text } = await api.call('dao.text', { dao: id, text: name });
          const splice = spliceBetween(text, options.set!);
          if (splice === null) return { length: text.length };
          ops = [{ at: splice.index, delete: splice.delete, insert: splice.insert }];
        }
        return await api.call('dao.editText', { dao: id, text: name, ops });
      });
      cli.print(json, { dao: id, name, length: result.length }, `${name}: ${result.length} characters`);
    });
}
