// The HTTP API of docs/API.md, and nothing else: every request the page makes is here.

// Relative to the page, so a proxy may serve the dashboard and its API under a prefix.
const ROOT = new URL('api/', document.baseURI).href;
const FILTER_KEYS = ['type', 'actor', 'country', 'since', 'until', 'text'];

export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status}: ${detail}`);
    this.status = status;
    this.detail = detail;
  }
}

function query(filters = {}, extra = {}) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined && value !== null && String(value).trim() !== '') {
      params.set(key, String(value).trim());
    }
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined && value !== null && value !== false) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function request(path, options = {}) {
  const response = await fetch(ROOT + path, { headers: { Accept: 'application/json' }, ...options });
  let body = null;
  try {
    body = await response.json();
  } catch {
    // a proxy's HTML error page, say: reported by status below
  }
  if (!response.ok) {
    const detail = body && body.detail !== undefined ? body.detail : response.statusText;
    throw new ApiError(response.status, typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
  return body;
}

export const api = {
  health: () => request('health'),

  // Deduplicated events (clusters) unless `mentions`, like the stats and the points.
  list: (filters, { mentions = false, limit = 200, cursor = null } = {}) =>
    request(`${mentions ? 'events' : 'clusters'}${query(filters, { limit, cursor })}`),

  points: (filters, { mentions = false } = {}) =>
    request(`points${query(filters, { mentions: mentions || null, limit: 1000 })}`),

  daily: (filters, { mentions = false } = {}) =>
    request(`stats/daily${query(filters, { mentions: mentions || null })}`),

  countries: (filters, { mentions = false } = {}) =>
    request(`stats/countries${query(filters, { mentions: mentions || null })}`),

  article: (id) => request(`articles/${encodeURIComponent(id)}`),

  extract: (text, pubDate) =>
    request('extract', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(pubDate ? { text, pub_date: pubDate } : { text }),
    }),
};
