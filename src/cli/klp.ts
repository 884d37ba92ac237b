/**
 * The klpscope command line, on the same engine as the app:
 *   klp replay FILE        replay a transcript, print `% ` lines and the filtered log
 *   klp check FILE...      replay and compare; `N passed, M failed`
 *   klp sh                 an interactive root shell on a simulated machine
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseTranscript } from '../kernel/selftest/transcript';
import { compare, replay } from '../kernel/selftest/replay';
import { Kernel } from '../kernel/kernel';
import { Shell } from '../kernel/shell/shell';
import { settle } from '../kernel/settle';

function usage(): number {
  process.stderr.write('usage: klp replay FILE | klp check FILE... | klp sh\n');
  return 2;
}

function load(file: string) {
  return parseTranscript(readFileSync(file, 'utf8'));
}

function replayCommand(files: string[]): number {
  if (files.length !== 1) return usage();
  const r = replay(load(files[0]!));
  process.stdout.write(r.output.map((l) => `${l}\n`).join(''));
  for (const f of r.failures) process.stderr.write(`${files[0]}: ${f}\n`);
  return r.failures.length ? 1 : 0;
}

function checkCommand(files: string[]): number {
  if (files.length === 0) return usage();
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    let diff: string | null;
    try {
      const t = load(file);
      diff = compare(t, replay(t));
    } catch (e) {
      diff = `error: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (diff) {
      failed++;
      process.stdout.write(`FAIL ${file}: ${diff}\n`);
    } else passed++;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

function shellCommand(): Promise<number> {
  const kernel = new Kernel();
  const shell = new Shell(kernel);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const prompt = () => {
    rl.setPrompt(`root@klpscope:${shell.cwd.split('/').pop() || '/'}# `);
    rl.prompt();
  };
  process.stdout.write("klpscope: a simulated kernel with livepatch. Type 'help'; 'exit' leaves.\n");
  prompt();
  return new Promise((resolve) => {
    rl.on('line', (line) => {
      if (line.trim() === 'exit') {
        rl.close();
        return;
      }
      const r = shell.run(line);
      settle(kernel);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      prompt();
    });
    rl.on('close', () => resolve(0));
  });
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'replay') return replayCommand(rest);
  if (cmd === 'check') return checkCommand(rest);
  if (cmd === 'sh') return shellCommand();
  return usage();
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
