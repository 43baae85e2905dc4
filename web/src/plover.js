// PLOVER's 16 event types by quad class (schema.QUAD_CLASS), and the colours the map,
// the table and the timeline share.

export const QUADS = [
  { name: 'verbal cooperation', short: 'vcoop', color: '#2f7bd8',
    types: ['AGREE', 'CONSULT', 'SUPPORT', 'CONCEDE'] },
  { name: 'material cooperation', short: 'mcoop', color: '#1b9e5a',
    types: ['COOPERATE', 'AID', 'RETREAT'] },
  { name: 'verbal conflict', short: 'vconf', color: '#e89a0c',
    types: ['REQUEST', 'ACCUSE', 'REJECT', 'THREATEN'] },
  { name: 'material conflict', short: 'mconf', color: '#d43131',
    types: ['PROTEST', 'SANCTION', 'MOBILIZE', 'COERCE', 'ASSAULT'] },
];

export const TYPES = QUADS.flatMap((q) => q.types);

const byType = new Map(QUADS.flatMap((q) => q.types.map((t) => [t, q])));
const byName = new Map(QUADS.map((q) => [q.name, q]));

// Points carry `quad_class`; records only `event`: accept either.
export function quadOf(typeOrQuad) {
  return byType.get(typeOrQuad) || byName.get(typeOrQuad) || null;
}

export function quadColor(typeOrQuad) {
  return quadOf(typeOrQuad)?.color || '#777';
}
