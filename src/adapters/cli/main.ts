/**
 * talentmatch command line. Exit codes: 0 ok, 1 bad input (or unreadable file), 2 usage,
 * 3 internal error. One file per command group under ./commands; each parses its options
 * with a zod schema at the edge; what is printed for a person is in ./render.ts.
 */
import { Command, CommanderError } from 'commander';
import type { Cli, Io } from './common.js';
import { EXIT_OK, EXIT_USAGE, reportError } from './common.js';
import { optionError } from '../../errors.js';
import { batchCommand, queueCommand, workerCommand } from './commands/batch.js';
import { diffCommand, exportCommand, validateCommand } from './commands/data.js';
import { evaluateCommand, reportCommand, tuneCommand } from './commands/evaluation.js';
import { matchCommand, referCommand } from './commands/match.js';
import { explainCommand, recommendCommand, scoreCommand } from './commands/recommend.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { keysCommand } from './commands/keys.js';
import { studioCommand } from './commands/studio.js';
import { forgetInputs } from '../files/write.js';

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

/** The commands in the order `--help` lists them. */
const COMMANDS: readonly ((program: Command, cli: Cli) => void)[] = [
  recommendCommand,
  scoreCommand,
  explainCommand,
  matchCommand,
  referCommand,
  simulateCommand,
  evaluateCommand,
  tuneCommand,
  reportCommand,
  batchCommand,
  exportCommand,
  diffCommand,
  serveCommand,
  studioCommand,
  keysCommand,
  workerCommand,
  queueCommand,
  validateCommand,
  runCommand,
];

export function buildProgram(io: Io, done: (code: number) => void): Command {
  const program = new Command('talentmatch')
    .description('Two-way matching and recommendations for a talent-platform cluster')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', (_program, command) => refuseEmptyValues(command));
  for (const add of COMMANDS) add(program, { io, done });
  return program;
}

/**
 * An option given an empty value (`--out ""`, `--talents ""`) is a usage error naming it: a
 * path option read '' as "not given" (the folder's own talents file was used) or failed as
 * "cannot write ''"; no option takes an empty value.
 */
function refuseEmptyValues(command: Command): void {
  for (const opt of command.options) {
    const key = opt.attributeName();
    if (command.getOptionValue(key) === '' && command.getOptionValueSource(key) === 'cli') throw optionError(`${opt.long ?? opt.flags} needs a value, got an empty string`);
  }
}

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c));
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE; // commander already printed what was wrong
    }
    return reportError(e, io);
  } finally {
    forgetInputs(); // the inputs an output may not replace are this command's
  }
}
