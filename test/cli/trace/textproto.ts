/*
 * Reads protoc's text format (what `protoc --decode` prints) into plain objects,
 * for the Perfetto export's tests.
 *   parseTextProto(text)   -> { field: [values...] }; a nested message is an object, a scalar its text
 *   decodePerfetto(bytes)  -> Trace as parsed text, decoded by protoc with Perfetto's published .proto
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export type TextMessage = { [field: string]: (string | TextMessage)[] };

export const PERFETTO_PROTO_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'perfetto');

export function parseTextProto(text: string): TextMessage {
  const root: TextMessage = {};
  const stack: TextMessage[] = [root];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const top = stack[stack.length - 1]!;
    if (line === '}') {
      stack.pop();
      continue;
    }
    const open = /^(\w+) \{$/.exec(line);
    if (open !== null) {
      const child: TextMessage = {};
      (top[open[1]!] ??= []).push(child);
      stack.push(child);
      continue;
    }
    const field = /^(\w+): (.*)$/.exec(line);
    if (field === null) throw new Error(`unexpected text format line: ${line}`);
    const value = field[2]!.startsWith('"') ? unescapeC(field[2]!.slice(1, -1)) : field[2]!;
    (top[field[1]!] ??= []).push(value);
  }
  return root;
}

/** protoc's string escapes: \n \" \\ and octal bytes (\342\206\222 is →), decoded as UTF-8. */
function unescapeC(text: string): string {
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92 };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = text[++i]!;
    if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(text.slice(i))![0];
      bytes.push(parseInt(oct, 8));
      i += oct.length - 1;
    } else if (next in simple) bytes.push(simple[next]!);
    else throw new Error(`unknown escape \\${next}`);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** protoc --decode=perfetto.protos.Trace with the .proto files in test/fixtures/perfetto. */
export function decodePerfetto(bytes: Uint8Array): { text: string; trace: TextMessage } {
  const r = spawnSync('protoc', ['--decode=perfetto.protos.Trace', `--proto_path=${PERFETTO_PROTO_DIR}`, 'perfetto_trace.proto'], { input: bytes, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`protoc failed: ${r.stderr.toString()}`);
  const text = r.stdout.toString();
  return { text, trace: parseTextProto(text) };
}
