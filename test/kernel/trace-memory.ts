/*
 * Test helper: the in-thread trace encoder (JsonlEncoder) writing into memory.
 *   memoryEncoder()   { sink, text() }: attach sink to a bus; text() is every byte written so far
 */
import { ByteWriter } from '../../kernel/byte-writer.js';
import { JsonlEncoder } from '../../kernel/jsonl-sink.js';

export function memoryEncoder(): { sink: JsonlEncoder; text: () => string } {
  const chunks: Buffer[] = [];
  const w = new ByteWriter(4096, (b) => chunks.push(Buffer.from(b)));
  return { sink: new JsonlEncoder(w), text: () => { w.flush(); return Buffer.concat(chunks).toString('utf8'); } };
}
