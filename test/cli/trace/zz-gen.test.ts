import { it } from 'vitest';
import { runFixtureSystem, writeTrace } from './fixture-system.js';
it('gen', () => { const r = runFixtureSystem(); writeTrace(r, '/tmp/small.jsonl'); console.log(r.length); });
