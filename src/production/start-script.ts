// Reading and changing a package.json script that starts the service with `node <file>`. Only a plain command
// line is changed: one `node` command, its words free of quotes, escapes and substitutions. Anything else is
// left to the user, with the exact flag to add.

export interface NodeCommand {
  /** The script file node runs, as written (`dist/index.js`). */
  file: string;
  /** Where in the script text the file's word starts: the preload flag goes right before it, after node's other flags. */
  fileOffset: number;
  /** The files node preloads already (`-r`, `--require`, `--import`, `--loader` values). */
  preloads: string[];
}

/** Node flags whose value is the next word. */
const FLAGS_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--conditions', '-C', '--inspect-port', '--title', '--stack-size', '--max-old-space-size']);
const PRELOADS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);
/** Flags after which node runs no script file. */
const NO_SCRIPT = new Set(['-e', '--eval', '-p', '--print', '-i', '--interactive', '--test', '--run', '-v', '--version', '-h', '--help', '-c', '--check']);
const SEPARATORS = /^(?:&&|\|\||;|\||&)$/;

/** The `node <file>` command of a script, or why the script is not one otelify changes. */
export function nodeCommandOf(script: string): NodeCommand | { reason: string } {
  if (/["'`\\$(){}<>]/.test(script)) return { reason: 'it has quotes, escapes, substitutions or redirections' };
  const words = [...script.matchAll(/[^\s;&|]+|&&|\|\||[;&|]/g)].map((m) => ({ text: m[0], offset: m.index }));
  const commands: (typeof words)[] = [[]];
  for (const word of words) {
    if (SEPARATORS.test(word.text)) commands.push([]);
    else commands.at(-1)!.push(word);
  }
  const nodeCommands = commands
    .map((command) => {
      // Leading environment assignments (NODE_ENV=production node ...) and `exec` belong to the shell.
      let start = 0;
      while (start < command.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command[start]!.text) || command[start]!.text === 'exec')) start++;
      return command.slice(start);
    })
    .filter((command) => command[0]?.text === 'node');
  if (nodeCommands.length === 0) return { reason: 'it does not run node directly' };
  if (nodeCommands.length > 1) return { reason: 'it runs node more than once' };
  const [, ...args] = nodeCommands[0]!;
  const preloads: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.text === '--') {
      const file = args[i + 1];
      return file ? { file: file.text, fileOffset: file.offset, preloads } : { reason: 'node is given no script file' };
    }
    const [flag, inline] = splitFlag(word.text);
    if (NO_SCRIPT.has(flag)) return { reason: `node runs ${flag}, not a script file` };
    if (!word.text.startsWith('-')) return { file: word.text, fileOffset: word.offset, preloads };
    if (FLAGS_WITH_VALUE.has(flag) && inline === undefined) {
      const value = args[++i];
      if (value === undefined) return { reason: `${flag} has no value` };
      if (PRELOADS.has(flag)) preloads.push(value.text);
    } else if (PRELOADS.has(flag) && inline !== undefined) {
      preloads.push(inline);
    }
  }
  return { reason: 'node is given no script file' };
}

/**
 * The first word of a script that names a source file (`nodemon src/server.js`, `tsx src/index.ts`): where the
 * service starts when a tool other than node runs it.
 */
export function sourceFileOf(script: string): string | undefined {
  return script.split(/\s+/).find((word) => /^[\w./@-]+\.(?:[cm]?[jt]s|tsx|jsx)$/.test(word));
}

/** The script with `--import <module>` (or `--require`) added right before node's script file. */
export function withPreload(script: string, command: NodeCommand, flag: '--import' | '--require', module: string): string {
  return `${script.slice(0, command.fileOffset)}${flag} ${module} ${script.slice(command.fileOffset)}`;
}

function splitFlag(word: string): [string, string | undefined] {
  const equals = word.indexOf('=');
  return equals === -1 || !word.startsWith('--') ? [word, undefined] : [word.slice(0, equals), word.slice(equals + 1)];
}
