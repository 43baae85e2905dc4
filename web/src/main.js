// Wiring: the filters drive the map, the timeline and the table; a row or a dot opens
// its article; the paste box shows an extraction in the same views.

import './style.css';
import { api } from './api.js';
import { renderArticle, renderArticleMessage } from './article.js';
import { h, clear } from './dom.js';
import { createMap, pointsFromEvents } from './map.js';
import { QUADS } from './plover.js';
import { renderTable } from './table.js';
import { createTimeline } from './timeline.js';

const $ = (id) => document.getElementById(id);
const form = $('filters');
const articleEl = $('article');
const tableEl = $('table');
const banner = $('table-banner');

const state = {
  view: 'store', // or 'extract': the table and map show a pasted article's events
  items: [],
  total: null,
  cursor: null,
  selectedId: null,
  extraction: null,
  generation: 0, // answers to an older refresh are dropped
  actorCodes: new Set(),
};
const articles = new Map();

function setStatus(message, kind = '') {
  const el = $('status');
  el.textContent = message || '';
  el.className = `status ${kind}`;
}

function setBusy(busy) {
  document.body.dataset.state = busy ? 'loading' : 'idle';
}

function filters() {
  const data = new FormData(form);
  const get = (k) => (data.get(k) || '').toString().trim();
  return {
    type: get('type'), actor: get('actor').toUpperCase(), country: get('country'),
    since: get('since'), until: get('until'), text: get('text'),
  };
}
const mentions = () => $('f-mentions').checked;

// ---- views -------------------------------------------------------------------

const mapView = createMap($('map'), { onSelect: (props) => select(props) });
$('legend').append(mapView.legend);
const timeline = createTimeline($('timeline'), {
  onBrush(since, until) {
    $('f-since').value = since || '';
    $('f-until').value = until || '';
    refresh({ timeline: false });
  },
});

function showTable() {
  const more = state.view === 'store' && state.cursor ? loadMore : null;
  renderTable(tableEl, state.items, {
    onSelect: select, selectedId: state.selectedId, onMore: more, total: state.view === 'store' ? state.total : null,
  });
}

function showBanner() {
  if (state.view !== 'extract') {
    banner.hidden = true;
    return;
  }
  const n = state.extraction.events.length;
  clear(banner).append(
    `${n} event${n === 1 ? '' : 's'} extracted from the pasted article (not stored). `,
    h('button', { type: 'button', id: 'back-to-store', onclick: backToStore }, 'Back to stored events'));
  banner.hidden = false;
}

// ---- loading -----------------------------------------------------------------

async function refresh({ timeline: withTimeline = true } = {}) {
  const generation = ++state.generation;
  state.view = 'store';
  showBanner();
  setBusy(true);
  setStatus('Loading…');
  const f = filters();
  const opts = { mentions: mentions() };
  try {
    const [points, list, daily] = await Promise.all([
      api.points(f, opts),
      api.list(f, opts),
      // The timeline keeps every date, so the brush shows where the range sits.
      withTimeline ? api.daily({ ...f, since: '', until: '' }, opts) : null,
    ]);
    if (generation !== state.generation) return;
    const located = mapView.setPoints(points.features || []);
    state.items = list.items || [];
    state.cursor = list.next_cursor || null;
    state.total = null;
    rememberActors(state.items);
    showTable();
    if (daily) timeline.setData(daily.items);
    timeline.setRange(f.since, f.until);
    setStatus(`${state.items.length}${state.cursor ? '+' : ''} event(s), ${located} on the map`);
  } catch (err) {
    if (generation !== state.generation) return;
    setStatus(`Could not load events: ${err.message}`, 'error');
  } finally {
    if (generation === state.generation) setBusy(false);
  }
}

async function loadMore() {
  const generation = state.generation;
  try {
    const list = await api.list(filters(), { mentions: mentions(), cursor: state.cursor });
    if (generation !== state.generation) return;
    state.items = state.items.concat(list.items || []);
    state.cursor = list.next_cursor || null;
    rememberActors(list.items || []);
    showTable();
  } catch (err) {
    setStatus(`Could not load more: ${err.message}`, 'error');
  }
}

function rememberActors(items) {
  const list = $('actor-codes');
  for (const e of items) {
    for (const ent of [e.actor, e.recipient]) {
      if (ent?.code && !state.actorCodes.has(ent.code)) {
        state.actorCodes.add(ent.code);
        list.append(h('option', { value: ent.code }));
      }
    }
  }
}

async function loadHeader() {
  try {
    const health = await api.health();
    $('store-info').textContent = `${health.store} · ${health.articles} articles · ${health.events} mentions · ${health.clusters} events`;
  } catch (err) {
    $('store-info').textContent = `API unavailable (${err.message})`;
  }
  try {
    const { items } = await api.countries({});
    const select = $('f-country');
    for (const { key, count } of items || []) {
      if (key) select.append(h('option', { value: key }, `${key} (${count})`));
    }
  } catch {
    // the place filter still takes no value; the rest of the page works
  }
}

// ---- the article view --------------------------------------------------------

async function select(record) {
  state.selectedId = record.id;
  for (const row of tableEl.querySelectorAll('tr[data-id]')) {
    row.classList.toggle('selected', row.dataset.id === record.id);
  }
  const articleId = record.article_id;
  if (!articleId) return;
  let data = articles.get(articleId);
  if (!data) {
    renderArticleMessage(articleEl, 'Loading the article…');
    try {
      data = await api.article(articleId);
      articles.set(articleId, data);
    } catch (err) {
      renderArticleMessage(articleEl, `Could not load the article: ${err.message}`);
      return;
    }
    if (state.selectedId !== record.id) return; // another click came first
  }
  renderArticle(articleEl, data, record, { onSelect: select });
}

// ---- the paste box -----------------------------------------------------------

async function extract(event) {
  event.preventDefault();
  const text = $('paste-text').value;
  if (!text.trim()) return;
  const button = $('paste-submit');
  button.disabled = true;
  setBusy(true);
  setStatus('Extracting…');
  state.generation++;
  try {
    const data = await api.extract(text, $('paste-date').value || null);
    data.events ||= [];
    state.view = 'extract';
    state.extraction = data;
    state.items = data.events;
    state.cursor = null;
    if (data.article?.id) articles.set(data.article.id, data);
    showBanner();
    const located = mapView.setPoints(pointsFromEvents(data.events));
    const first = data.events[0];
    state.selectedId = first ? first.id : null;
    showTable();
    renderArticle(articleEl, data, first, { onSelect: select });
    setStatus(`${data.events.length} event(s) extracted, ${located} on the map`);
  } catch (err) {
    setStatus(`Extraction failed: ${err.message}`, 'error');
  } finally {
    button.disabled = false;
    setBusy(false);
  }
}

function backToStore() {
  state.extraction = null;
  refresh();
}

// ---- filters -----------------------------------------------------------------

function setupFilters() {
  const typeSelect = $('f-type');
  for (const quad of QUADS) {
    typeSelect.append(h('optgroup', { label: quad.name }, quad.types.map((t) => h('option', { value: t }, t))));
  }
  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(() => refresh(), 300); };
  form.addEventListener('change', (ev) => {
    if (ev.target.type === 'search' || ev.target.id === 'f-actor') return soon();
    refresh({ timeline: !['f-since', 'f-until'].includes(ev.target.id) });
  });
  form.addEventListener('input', (ev) => {
    if (ev.target.type === 'search' || ev.target.id === 'f-actor') soon();
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); refresh(); });
  form.addEventListener('reset', () => setTimeout(() => refresh(), 0));
}

setupFilters();
$('paste-form').addEventListener('submit', extract);
renderArticleMessage(articleEl, 'Choose an event in the table or on the map to read its article with the evidence highlighted.');
loadHeader();
refresh();
