/*
 * sh: run a script file from the image. Each line is a command of the boot
 * language (echo, write, spawn, expect, ...); a first line `#!mksim sh`
 * is skipped. `sh PATH` or, as an executable, `#!mksim sh` with the
 * script's own path as the argument.
 *   sh   the program (argv: the script path)
 */
import { ParseError } from '../parse-error.js';
import { parseCommand, type Command } from '../shell/commands.js';
import { tokenizeLine } from '../shell/lexer.js';
import { runCommands } from '../shell/run.js';
import { readFile } from '../syscalls/fs.js';
import { errnoName } from '../../kernel/errno.js';
import type { SysGen, UserProcess } from '../user/process.js';

export function parseScript(text: string, file: string): Command[] {
  const commands: Command[] = [];
  text.split('\n').forEach((raw, i) => {
    const sourceLine = raw.replace(/\r$/, '');
    if (i === 0 && sourceLine.startsWith('#!')) return;
    const tokens = tokenizeLine(sourceLine, i + 1, file);
    if (tokens.length > 0) commands.push(parseCommand(tokens, { file, line: i + 1, sourceLine }));
  });
  return commands;
}

export function* sh(proc: UserProcess): SysGen<number> {
  const path = proc.ctx.args[0];
  if (path === undefined) {
    proc.print('usage: sh SCRIPT');
    return 2;
  }
  const bytes = yield* readFile(proc, path);
  if (typeof bytes === 'number') {
    proc.print(`sh: ${path}: ${errnoName(bytes)}`);
    return 1;
  }
  let commands: Command[];
  try {
    commands = parseScript(new TextDecoder().decode(bytes), path);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    proc.print(`sh: ${e.message.split('\n')[0]}`);
    return 2;
  }
  return yield* runCommands(proc, commands, {
    expectation(_name, held, detail, where) {
      if (!held) proc.print(`sh: expectation failed at ${where}: ${detail}`);
    },
  });
}
