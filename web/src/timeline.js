// The timeline: a histogram of /api/stats/daily drawn in SVG. Dragging across it
// selects a date range (the since/until filters); a click without dragging clears it.

import { clear } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const DAY = 86_400_000;
const BIN_DAYS = [1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1461];
const M = { top: 8, right: 10, bottom: 20, left: 34 };
const HEIGHT = 110;

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

const toDay = (iso) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
const toIso = (day) => new Date(day * DAY).toISOString().slice(0, 10);

export function createTimeline(element, { onBrush }) {
  let items = [];
  let range = { since: null, until: null };
  let layout = null; // what the last draw mapped: pixels ↔ days

  function draw() {
    clear(element);
    const dated = items.filter((d) => /^\d{4}-\d{2}-\d{2}/.test(d.key || ''));
    const width = Math.max(200, element.clientWidth || 600);
    const root = svg('svg', { width, height: HEIGHT, class: 'timeline-svg', role: 'img' });
    element.append(root);
    if (!dated.length) {
      root.append(svg('text', { x: width / 2, y: HEIGHT / 2, 'text-anchor': 'middle', class: 'muted' }, 'No dated events'));
      layout = null;
      return;
    }
    const days = dated.map((d) => toDay(d.key.slice(0, 10)));
    // At least a fortnight wide, so that one busy day is a bar, not the whole chart.
    const pad = Math.max(0, Math.ceil((14 - (Math.max(...days) + 1 - Math.min(...days))) / 2));
    const first = Math.min(...days) - pad;
    const last = Math.max(...days) + 1 + pad;
    const innerW = width - M.left - M.right;
    const innerH = HEIGHT - M.top - M.bottom;
    const bin = BIN_DAYS.find((k) => (last - first) / k <= innerW / 3) || BIN_DAYS.at(-1);
    const nbins = Math.ceil((last - first) / bin);
    const counts = new Array(nbins).fill(0);
    dated.forEach((d, i) => { counts[Math.floor((days[i] - first) / bin)] += d.count; });
    const max = Math.max(...counts);
    const span = nbins * bin;
    const x = (day) => M.left + ((day - first) / span) * innerW;
    layout = { first, span, innerW, bin };

    const bars = svg('g', { class: 'bars' });
    counts.forEach((count, i) => {
      if (!count) return;
      const x0 = x(first + i * bin);
      const barH = Math.max(1, (count / max) * innerH);
      const rect = svg('rect', {
        x: x0, y: M.top + innerH - barH, width: Math.max(1, innerW / nbins - 1), height: barH, class: 'bar',
      });
      const label = bin === 1 ? toIso(first + i * bin) : `${toIso(first + i * bin)} – ${toIso(first + (i + 1) * bin - 1)}`;
      rect.append(svg('title', {}, `${label}: ${count}`));
      bars.append(rect);
    });
    root.append(
      svg('line', { x1: M.left, x2: width - M.right, y1: M.top + innerH, y2: M.top + innerH, class: 'axis' }),
      svg('text', { x: M.left - 4, y: M.top + 8, 'text-anchor': 'end', class: 'tick' }, String(max)),
      svg('text', { x: M.left, y: HEIGHT - 5, class: 'tick' }, toIso(first)),
      svg('text', { x: width - M.right, y: HEIGHT - 5, 'text-anchor': 'end', class: 'tick' }, toIso(last - 1)),
      svg('text', { x: M.left + innerW / 2, y: HEIGHT - 5, 'text-anchor': 'middle', class: 'tick muted' },
        bin === 1 ? 'per day' : `per ${bin} days`),
      bars,
    );

    const brush = svg('rect', { class: 'brush', y: M.top, height: innerH, x: 0, width: 0, visibility: 'hidden' });
    const overlay = svg('rect', { class: 'brush-overlay', x: M.left, y: 0, width: innerW, height: HEIGHT - M.bottom + 4 });
    root.append(brush, overlay);

    const showRange = (d0, d1) => {
      const x0 = Math.max(M.left, x(d0));
      const x1 = Math.min(M.left + innerW, x(d1 + 1));
      if (x1 <= x0) return brush.setAttribute('visibility', 'hidden');
      brush.setAttribute('x', x0);
      brush.setAttribute('width', Math.max(2, x1 - x0));
      brush.setAttribute('visibility', 'visible');
    };
    if (range.since || range.until) {
      showRange(range.since ? toDay(range.since) : first, range.until ? toDay(range.until) : last - 1);
    }

    const dayAt = (clientX) => {
      const px = clientX - root.getBoundingClientRect().left - M.left;
      return first + Math.floor((Math.min(Math.max(px, 0), innerW) / innerW) * span);
    };
    overlay.addEventListener('pointerdown', (down) => {
      overlay.setPointerCapture(down.pointerId);
      const startX = down.clientX;
      const startDay = dayAt(startX);
      const move = (ev) => {
        const d = dayAt(ev.clientX);
        showRange(Math.min(startDay, d), Math.max(startDay, d));
      };
      const up = (ev) => {
        overlay.removeEventListener('pointermove', move);
        overlay.removeEventListener('pointerup', up);
        if (Math.abs(ev.clientX - startX) < 3) {
          range = { since: null, until: null };
          brush.setAttribute('visibility', 'hidden');
        } else {
          const d = dayAt(ev.clientX);
          range = { since: toIso(Math.min(startDay, d)), until: toIso(Math.min(Math.max(startDay, d), last - 1)) };
        }
        onBrush(range.since, range.until);
      };
      overlay.addEventListener('pointermove', move);
      overlay.addEventListener('pointerup', up);
    });
  }

  new ResizeObserver(() => draw()).observe(element);

  return {
    setData(newItems) { items = newItems || []; draw(); },
    setRange(since, until) { range = { since: since || null, until: until || null }; draw(); },
  };
}
