// Article text with its spans highlighted, displaCy-style, built only from text nodes:
// the text is sliced at span offsets, never parsed.

export const SPAN_KINDS = ['actor', 'recipient', 'claimant', 'trigger', 'place', 'date', 'quote'];

// Outer layers first, so that when spans cross, the outer one stays whole and the
// inner one is cut in two (a quote around an actor, the evidence sentence around both).
const LAYER = { evidence: 0, quote: 1 };

// The API sends `spans`; a response without them (an older server) still gets
// highlights, derived from the records the same way.
export function spansFromRecords(events = [], quotes = []) {
  const spans = [];
  const add = (start, end, kind, label, eventId) => {
    if (!(Number.isInteger(start) && Number.isInteger(end) && end > start)) return;
    const same = spans.find((s) => s.start === start && s.end === end && s.kind === kind);
    if (same) {
      if (eventId && !same.event_ids.includes(eventId)) same.event_ids.push(eventId);
    } else {
      spans.push({ start, end, kind, label, event_ids: eventId ? [eventId] : [] });
    }
  };
  for (const e of events) {
    for (const role of ['actor', 'recipient', 'claimant']) {
      const ent = e[role];
      if (ent) add(ent.start, ent.end, role, ent.code || ent.sector || role, e.id);
    }
    const info = e.text_info;
    if (info) add(info.trigger_start, info.trigger_end, 'trigger', e.event, e.id);
    const loc = e.event_loc;
    if (loc) add(loc.start, loc.end, 'place', loc.resolved_place || loc.extracted_place, e.id);
    // A date read from the text has no offsets in the record: nothing to mark.
  }
  for (const q of quotes) add(q.start, q.end, 'quote', q.speaker?.entity_text || 'quote', null);
  for (const q of quotes) for (const id of q.event_ids || []) {
    const span = spans.find((s) => s.kind === 'quote' && s.start === q.start && s.end === q.end);
    if (span && !span.event_ids.includes(id)) span.event_ids.push(id);
  }
  return spans;
}

// One mark per stretch of text and kind: the API keeps a place resolved two ways
// ("Ménaka", "Mali") as two spans, which would print PLACE twice.
export function mergeSpans(spans) {
  const merged = new Map();
  for (const span of spans) {
    const key = `${span.start}:${span.end}:${span.kind}`;
    const kept = merged.get(key);
    if (!kept) {
      merged.set(key, { ...span, event_ids: [...(span.event_ids || [])] });
      continue;
    }
    if (span.label && !(kept.label || '').split(', ').includes(span.label)) {
      kept.label = kept.label ? `${kept.label}, ${span.label}` : span.label;
    }
    for (const id of span.event_ids || []) if (!kept.event_ids.includes(id)) kept.event_ids.push(id);
  }
  return [...merged.values()];
}

function order(a, b) {
  return a.start - b.start || b.end - a.end || (LAYER[a.kind] ?? 2) - (LAYER[b.kind] ?? 2);
}

// Spans as a forest where every child lies inside its parent; crossing spans are split.
export function nest(spans) {
  let rest = spans.filter((s) => s.end > s.start).map((s) => ({ ...s, tail: s.tail ?? true })).sort(order);
  const forest = [];
  while (rest.length) {
    const [outer, ...others] = rest;
    const inside = [];
    rest = [];
    for (const s of others) {
      if (s.start >= outer.end) rest.push(s);
      else if (s.end <= outer.end) inside.push(s);
      else {
        inside.push({ ...s, end: outer.end, tail: false });
        rest.push({ ...s, start: outer.end });
      }
    }
    rest.sort(order);
    forest.push({ span: outer, children: nest(inside) });
  }
  return forest;
}

// Renders text[from:to] with `forest` into `parent`; `decorate(span)` makes the element
// for a span (its label, classes) and returns [element, container for the text].
export function renderSpans(parent, text, forest, from, to, decorate) {
  let pos = from;
  for (const { span, children } of forest) {
    const start = Math.max(span.start, pos);
    const end = Math.min(span.end, to);
    if (end <= start) continue;
    if (start > pos) parent.append(document.createTextNode(text.slice(pos, start)));
    const [el, inner] = decorate(span);
    renderSpans(inner, text, children, start, end, decorate);
    parent.append(el);
    pos = end;
  }
  if (pos < to) parent.append(document.createTextNode(text.slice(pos, to)));
}
