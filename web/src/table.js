// The event table: one row per event (or deduplicated cluster); a click opens its article.

import { h, clear } from './dom.js';
import { entityText, placeText } from './format.js';
import { quadColor } from './plover.js';

const COLUMNS = ['date', 'type', 'actor', 'recipient', 'place', 'trigger', 'sentence'];

function who(ent) {
  if (!ent) return h('td', { class: 'short' });
  return h('td', { class: 'short', title: entityText(ent) }, ent.code ? [h('b', {}, ent.code), ' '] : null, ent.entity_text);
}

// The sentence with its trigger in bold: offsets are the article's, the sentence starts at text_info.start.
function sentence(info) {
  if (!info?.sentence) return '';
  const s = info.sentence;
  const a = info.trigger_start - info.start;
  const b = info.trigger_end - info.start;
  if (!(a >= 0 && b > a && b <= s.length)) return s;
  return [s.slice(0, a), h('b', {}, s.slice(a, b)), s.slice(b)];
}

export function renderTable(container, items, { onSelect, selectedId = null, onMore = null, total = null } = {}) {
  clear(container);
  if (!items.length) {
    container.append(h('p', { class: 'muted empty' }, 'No event matches these filters.'));
    return;
  }
  const rows = items.map((e) => {
    const mentions = e.cluster?.mentions;
    return h('tr', {
      class: e.id === selectedId ? 'selected' : '',
      dataset: { id: e.id, type: e.event, articleId: e.article_id },
      tabindex: 0,
      onclick: () => onSelect(e),
      onkeydown: (ev) => { if (ev.key === 'Enter') onSelect(e); },
    },
    h('td', { class: 'nowrap' }, e.date || ''),
    h('td', { class: 'nowrap type' }, h('span', { class: 'swatch', style: { background: quadColor(e.event) } }), e.event,
      e.mode ? h('span', { class: 'muted' }, ` ${e.mode}`) : null,
      mentions > 1 ? h('span', { class: 'badge', title: `${mentions} mentions in ${e.cluster.sources ?? '?'} source(s)` }, `×${mentions}`) : null),
    who(e.actor),
    who(e.recipient),
    h('td', { class: 'short', title: placeText(e.event_loc) },
      e.event_loc ? `${e.event_loc.extracted_place}${e.event_loc.country_code ? ` (${e.event_loc.country_code})` : ''}` : ''),
    h('td', {}, e.event_text || ''),
    h('td', { class: 'sentence' }, sentence(e.text_info)));
  });
  container.append(h('table', { class: 'events' },
    h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows)));
  const shown = `${items.length}${total != null ? ` of ${total}` : ''} shown`;
  container.append(h('div', { class: 'table-foot muted' }, shown,
    onMore ? h('button', { type: 'button', onclick: onMore, class: 'more' }, 'Load more') : null));
}
