// Unit tests of the article view's span nesting (web/src/highlight.js), with node:test:
//   node --test tests/browser/highlight.test.mjs
// Crossing spans are the case the browser test's demo articles may not exercise.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSpans, nest, spansFromRecords } from '../../web/src/highlight.js';

const flat = (forest, depth = 0) => forest.flatMap(({ span, children }) =>
  [[depth, span.kind, span.start, span.end, span.tail], ...flat(children, depth + 1)]);

test('contained spans nest, outer layers first', () => {
  const forest = nest([
    { start: 4, end: 9, kind: 'actor' },
    { start: 0, end: 20, kind: 'evidence' },
    { start: 2, end: 15, kind: 'quote' },
  ]);
  assert.deepEqual(flat(forest), [
    [0, 'evidence', 0, 20, true],
    [1, 'quote', 2, 15, true],
    [2, 'actor', 4, 9, true],
  ]);
});

test('a crossing span is cut at the outer edge and labelled once, at its end', () => {
  const forest = nest([
    { start: 0, end: 10, kind: 'evidence' },
    { start: 2, end: 8, kind: 'quote' },
    { start: 6, end: 12, kind: 'actor' },
  ]);
  assert.deepEqual(flat(forest), [
    [0, 'evidence', 0, 10, true],
    [1, 'quote', 2, 8, true],
    [2, 'actor', 6, 8, false],
    [1, 'actor', 8, 10, false],
    [0, 'actor', 10, 12, true],
  ]);
});

test('empty spans are dropped; same stretch and kind merge their labels and events', () => {
  const merged = mergeSpans([
    { start: 3, end: 9, kind: 'place', label: 'Ménaka', event_ids: ['a'] },
    { start: 3, end: 9, kind: 'place', label: 'Mali', event_ids: ['b'] },
    { start: 3, end: 9, kind: 'recipient', label: 'MLI', event_ids: ['a'] },
  ]);
  assert.equal(merged.length, 2);
  assert.deepEqual(merged[0], { start: 3, end: 9, kind: 'place', label: 'Ménaka, Mali', event_ids: ['a', 'b'] });
  assert.deepEqual(flat(nest([{ start: 5, end: 5, kind: 'date' }])), []);
});

test('records give the same spans when a server sends none', () => {
  const event = {
    id: 'e1', event: 'ASSAULT',
    actor: { entity_text: 'rebelles', code: 'MLI', sector: 'REB', start: 4, end: 12 },
    recipient: null, claimant: null,
    event_loc: { extracted_place: 'Kidal', resolved_place: 'Kidal', start: 43, end: 48 },
    text_info: { start: 0, end: 49, sentence: '', trigger_start: 17, trigger_end: 24 },
  };
  const spans = spansFromRecords([event], [{ text: 'x', start: 50, end: 60, speaker: null, event_ids: ['e1'] }]);
  assert.deepEqual(spans.map((s) => [s.kind, s.start, s.end, s.event_ids]), [
    ['actor', 4, 12, ['e1']], ['trigger', 17, 24, ['e1']], ['place', 43, 48, ['e1']], ['quote', 50, 60, ['e1']],
  ]);
});
