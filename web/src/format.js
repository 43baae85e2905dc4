// How actors and places read in the table, the popups and the article view.

export function entityText(ent) {
  if (!ent) return '';
  if (!ent.code) return ent.entity_text;
  return `${ent.entity_text} (${ent.code}${ent.sector ? ' ' + ent.sector : ''})`;
}

export function placeText(loc) {
  if (!loc) return '';
  const resolved = loc.resolved_place && loc.resolved_place !== loc.extracted_place
    ? ` → ${loc.resolved_place}` : '';
  return `${loc.extracted_place}${resolved}${loc.country_code ? ` (${loc.country_code})` : ''}`;
}
