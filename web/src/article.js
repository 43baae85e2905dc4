// The article view: the text with its spans highlighted, the chosen event's evidence
// sentence emphasised, its claimant and the article's quotes.

import { h, clear, safeHref } from './dom.js';
import { SPAN_KINDS, mergeSpans, nest, renderSpans, spansFromRecords } from './highlight.js';
import { entityText, placeText } from './format.js';
import { quadColor } from './plover.js';

// A table row or a map dot names a mention or a cluster (whose own id is not a mention's);
// find the article's event it stands for.
export function findEvent(events, wanted) {
  if (!wanted) return null;
  const ids = new Set([wanted.id, ...(wanted.cluster?.event_ids || wanted.event_ids || [])]);
  return events.find((e) => ids.has(e.id))
    || events.find((e) => wanted.sentence && e.text_info?.sentence === wanted.sentence
      && (!wanted.event || e.event === wanted.event))
    || null;
}

function legend() {
  return h('div', { class: 'span-legend' },
    SPAN_KINDS.map((kind) => h('span', { class: `chip span-${kind}` }, kind)),
    h('span', { class: 'chip evidence-chip' }, 'evidence'));
}

function eventCard(event, quotes) {
  if (!event) {
    return h('p', { class: 'muted' }, 'Choose an event below, in the table or on the map.');
  }
  const rows = [
    ['type', `${event.event}${event.mode ? ' · ' + event.mode : ''}`],
    ['actor', entityText(event.actor)],
    ['recipient', entityText(event.recipient)],
    ['trigger', event.event_text],
    ['place', placeText(event.event_loc)],
    ['date', event.date ? `${event.date}${event.date_text ? ` (“${event.date_text}”)` : ''}${event.date_source ? ` · from ${event.date_source}` : ''}` : ''],
    ['claimant', entityText(event.claimant)],
    ['context', (event.context || []).join(', ')],
    ['flags', (event.aux || []).join(', ')],
    ['confidence', event.confidence != null ? String(event.confidence) : ''],
  ].filter(([, value]) => value);
  const own = quotes.filter((q) => (q.event_ids || []).includes(event.id));
  return h('div', { class: 'event-card', dataset: { eventId: event.id } },
    h('dl', {}, rows.map(([key, value]) => [h('dt', {}, key), h('dd', { class: key === 'type' ? 'type' : '' },
      key === 'type' ? h('span', { class: 'swatch', style: { background: quadColor(event.event) } }) : null, value)])),
    own.length ? h('p', { class: 'muted' }, `${own.length} quote(s) support this event, listed below.`) : null);
}

export function renderArticle(container, data, wanted, { onSelect } = {}) {
  clear(container);
  const { article } = data;
  const events = data.events || [];
  const quotes = data.quotes || [];
  const text = article.text || '';
  const selected = findEvent(events, wanted);

  // The title and the event stay in view while the text scrolls under them.
  const head = h('div', { class: 'article-head' });
  const scroller = h('div', { class: 'article-scroll' });
  container.append(head, scroller);

  const href = article.url ? safeHref(article.url) : null;
  const meta = [article.pub_date, article.language, article.outlet].filter(Boolean).join(' · ');
  head.append(
    h('h2', { class: 'article-title' }, article.title || '(untitled article)'),
    h('p', { class: 'muted' }, meta, href ? [' · ', h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, 'source')] : null),
    eventCard(selected, quotes),
  );

  if (events.length) {
    head.append(h('div', { class: 'article-events' },
      h('span', { class: 'muted' }, `${events.length} event(s): `),
      events.map((e) => h('button', {
        type: 'button',
        class: `event-chip${selected && e.id === selected.id ? ' active' : ''}`,
        style: { borderColor: quadColor(e.event) },
        title: e.text_info?.sentence || '',
        onclick: () => onSelect?.(e),
      }, e.event))));
  } else {
    head.append(h('p', { class: 'muted' }, 'No event found in this article.'));
  }

  head.append(legend());

  const spans = mergeSpans(data.spans && data.spans.length ? data.spans : spansFromRecords(events, quotes))
    .filter((s) => s.start >= 0 && s.end <= text.length && SPAN_KINDS.includes(s.kind));
  if (selected?.text_info) {
    spans.push({ start: selected.text_info.start, end: selected.text_info.end, kind: 'evidence', event_ids: [selected.id] });
  }
  const body = h('div', { class: 'article-text', lang: article.language || undefined });
  let firstEvidence = null;
  renderSpans(body, text, nest(spans), 0, text.length, (span) => {
    if (span.kind === 'evidence') {
      const el = h('span', { class: 'evidence' });
      firstEvidence ||= el;
      return [el, el];
    }
    const mine = !selected || (span.event_ids || []).includes(selected.id);
    const label = [span.kind, span.label].filter(Boolean).join(': ');
    if (span.kind === 'quote') {
      const el = h('span', { class: `quote${mine ? '' : ' other'}`, title: label });
      return [el, el];
    }
    const inner = h('span', {});
    const el = h('mark', { class: `span-${span.kind}${mine ? '' : ' other'}`, title: label, dataset: { kind: span.kind } },
      inner, span.tail ? h('span', { class: 'label' }, span.kind) : null);
    return [el, inner];
  });
  scroller.append(body);

  if (quotes.length) {
    scroller.append(h('h3', {}, 'Quotes'), h('ul', { class: 'quotes' }, quotes.map((q) =>
      h('li', { class: selected && (q.event_ids || []).includes(selected.id) ? 'mine' : '' },
        h('q', {}, q.text), q.speaker ? [' — ', h('span', { class: 'speaker' }, entityText(q.speaker))] : null))));
  }

  // Scroll the text (positioned, so offsetTop is relative to it), not the page.
  if (firstEvidence) {
    requestAnimationFrame(() => {
      scroller.scrollTop = Math.max(0, firstEvidence.offsetTop - scroller.clientHeight / 3);
    });
  }
  return selected;
}

export function renderArticleMessage(container, message) {
  clear(container).append(h('p', { class: 'muted' }, message));
}
