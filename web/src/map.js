// The map: country outlines bundled from Natural Earth (world-atlas) as the only
// basemap — no tiles, so it works offline — and events as dots coloured by quad class.

import L from './leaflet-global.js';
import 'leaflet.markercluster';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import { feature } from 'topojson-client';
// A separate asset, not inlined: the page's script stays small and the outlines cache.
import worldUrl from 'world-atlas/countries-50m.json?url';
import { h } from './dom.js';
import { QUADS, quadOf } from './plover.js';

function popupContent(props, onSelect) {
  return h('div', { class: 'popup' },
    h('strong', {}, props.event || ''), ' ', h('span', { class: 'muted' }, props.date || ''),
    h('div', {}, [props.actor, props.recipient].filter(Boolean).join(' → ')),
    props.place ? h('div', { class: 'muted' }, props.place) : null,
    props.sentence ? h('p', { class: 'popup-sentence' }, props.sentence) : null,
    h('button', { type: 'button', onclick: () => onSelect(props) }, 'Open article'));
}

function clusterIcon(cluster) {
  const counts = new Map();
  for (const marker of cluster.getAllChildMarkers()) {
    const quad = marker.options.quad;
    counts.set(quad, (counts.get(quad) || 0) + 1);
  }
  // The dominant quad class colours the cluster; ties go to the more conflictual class.
  let best = null;
  for (const q of QUADS) if ((counts.get(q) || 0) >= (counts.get(best) || 0) && counts.get(q)) best = q;
  const n = cluster.getChildCount();
  const size = n < 10 ? 30 : n < 100 ? 36 : 44;
  const title = QUADS.filter((q) => counts.get(q)).map((q) => `${q.name}: ${counts.get(q)}`).join('\n');
  return L.divIcon({
    html: h('div', { title, style: { background: best ? best.color : '#777' } }, h('span', {}, String(n))),
    className: `es-cluster es-cluster-${best ? best.short : 'none'}`,
    iconSize: L.point(size, size),
  });
}

export function createMap(element, { onSelect }) {
  const map = L.map(element, {
    center: [20, 10], zoom: 2, minZoom: 1, maxZoom: 11, worldCopyJump: false,
    zoomSnap: 0.5, attributionControl: true,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Outlines: Natural Earth');

  // Its own pane below the overlays, so the outlines stay under the dots whenever they arrive.
  map.createPane('basemap').style.zIndex = 250;
  const basemap = fetch(worldUrl)
    .then((response) => response.json())
    .then((topology) => {
      L.geoJSON(feature(topology, topology.objects.countries), {
        pane: 'basemap',
        interactive: false,
        style: { color: '#8a94a6', weight: 0.6, fillColor: '#f4f1ea', fillOpacity: 1 },
      }).addTo(map);
      element.dataset.basemap = 'ready';
    })
    .catch(() => { element.dataset.basemap = 'failed'; });

  const dots = L.markerClusterGroup({
    iconCreateFunction: clusterIcon,
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    spiderfyOnMaxZoom: true,
  }).addTo(map);

  const legend = h('div', { class: 'map-legend' },
    QUADS.map((q) => h('span', {}, h('span', { class: 'swatch', style: { background: q.color } }), q.name)));

  function setPoints(features, { fit = true } = {}) {
    dots.clearLayers();
    const markers = [];
    for (const f of features) {
      if (!f.geometry || f.geometry.type !== 'Point') continue;
      const [lon, lat] = f.geometry.coordinates;
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
      const props = f.properties || {};
      const quad = quadOf(props.quad_class) || quadOf(props.event);
      const marker = L.circleMarker([lat, lon], {
        radius: 7, weight: 1.5, color: '#fff', fillOpacity: 0.9,
        fillColor: quad ? quad.color : '#777', className: 'es-dot', quad,
      });
      marker.bindPopup(() => popupContent(props, onSelect));
      marker.on('click', () => onSelect(props));
      markers.push(marker);
    }
    dots.addLayers(markers);
    if (fit && markers.length) {
      // No animation: a dot must be where it is drawn as soon as the data is in.
      map.fitBounds(dots.getBounds(), { padding: [30, 30], maxZoom: 5, animate: false });
    }
    return markers.length;
  }

  return { map, setPoints, legend, basemap };
}

// An extraction's events have no /api/points feature: make the same shape from them.
export function pointsFromEvents(events) {
  return events.filter((e) => e.event_loc && e.event_loc.lat != null && e.event_loc.lon != null)
    .map((e) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [e.event_loc.lon, e.event_loc.lat] },
      properties: {
        id: e.id, event: e.event, date: e.date, article_id: e.article_id,
        actor: e.actor?.code || e.actor?.entity_text, recipient: e.recipient?.code || e.recipient?.entity_text,
        place: e.event_loc.resolved_place || e.event_loc.extracted_place, sentence: e.text_info?.sentence,
      },
    }));
}
