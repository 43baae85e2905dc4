// leaflet.markercluster extends the global `L`; Leaflet's UMD build sets it, and this
// module is imported first so that it exists before the plugin runs.
import L from 'leaflet';

if (!window.L) window.L = L;
export default L;
