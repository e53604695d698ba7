#!/usr/bin/env node
// Regenerates report/src/main/resources/org/btda/report/world.geo.json: Natural Earth 110m countries
// (npm world-atlas@2.0.2, TopoJSON) as GeoJSON keyed by ISO 3166-1 alpha-2 (numeric codes mapped through npm
// i18n-iso-countries@7.14.0), coordinates rounded to 0.1 degree so the committed file stays small.
//
//   scripts/make-world-geojson.mjs        (fetches both packages with `npm pack` into .cache/npm once)
//
// The TopoJSON → GeoJSON conversion is written out here (delta-decoding of quantized arcs, arc stitching):
// it is a few lines and keeps the script free of dependencies.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'npm');
const out = join(root, 'report/src/main/resources/org/btda/report/world.geo.json');
const PACKAGES = [['world-atlas@2.0.2', 'world-atlas-2.0.2.tgz'], ['i18n-iso-countries@7.14.0', 'i18n-iso-countries-7.14.0.tgz']];
// Natural Earth shapes without an ISO numeric code; GeoLite2 reports Kosovo as XK.
const BY_NAME = { Kosovo: 'XK' };
const DIGITS = 1;

mkdirSync(cache, { recursive: true });
const unpacked = PACKAGES.map(([spec, tgz]) => {
  if (!existsSync(join(cache, tgz))) {
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', spec], { cwd: cache, stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'btda-geo-'));
  execFileSync('tar', ['xzf', join(cache, tgz), '-C', dir]);
  return join(dir, 'package');
});
const topology = JSON.parse(readFileSync(join(unpacked[0], 'countries-110m.json'), 'utf8'));
const codes = JSON.parse(readFileSync(join(unpacked[1], 'codes.json'), 'utf8'));
const alpha2ByNumeric = Object.fromEntries(codes.map(([a2, , num]) => [num, a2]));

// Arcs are quantized and delta-encoded: absolute position = running sum * scale + translate.
const { scale, translate } = topology.transform;
const round = (v) => Number(v.toFixed(DIGITS));
const arcs = topology.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => {
    x += dx; y += dy;
    return [round(x * scale[0] + translate[0]), round(y * scale[1] + translate[1])];
  });
});
// A negative index ~i means arc i reversed; consecutive arcs share their joining point.
function ring(indexes) {
  const points = [];
  for (const i of indexes) {
    const arc = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
    points.push(...(points.length ? arc.slice(1) : arc));
  }
  // rounding may collapse neighbours into the same point: drop the repeats
  const deduped = points.filter((p, k) => k === 0 || p[0] !== points[k - 1][0] || p[1] !== points[k - 1][1]);
  return deduped.length >= 4 ? deduped : null;
}
// A ring that crosses the antimeridian (Russia's Chukotka, Fiji) jumps from +180 to -180; drawn on a flat map that
// is a stripe across the world. Its few points on the far side are moved onto the antimeridian instead.
// Antarctica is left alone: its ring runs along the bottom edge from -180 to 180 on purpose.
function unwrap(points) {
  const jumps = points.some((p, k) => k > 0 && Math.abs(p[0] - points[k - 1][0]) > 180);
  if (!jumps) return points;
  const east = points.filter((p) => p[0] > 0).length * 2 > points.length;
  return points.map(([x, y]) => [east && x < 0 ? 180 : !east && x > 0 ? -180 : x, y]);
}
const polygon = (rings, code) => rings.map(ring).filter(Boolean).map((r) => (code === 'AQ' ? r : unwrap(r)));

const features = [];
for (const g of topology.objects.countries.geometries) {
  const code = alpha2ByNumeric[g.id] ?? BY_NAME[g.properties.name];
  if (!code) {
    console.error(`skipped ${g.properties.name} (no ISO alpha-2 code)`);
    continue;
  }
  const coordinates = g.type === 'Polygon' ? polygon(g.arcs, code)
    : g.arcs.map((p) => polygon(p, code)).filter((p) => p.length > 0);
  if (coordinates.length === 0) continue;
  features.push({ type: 'Feature', properties: { name: code, label: g.properties.name },
    geometry: { type: g.type, coordinates } });
}
writeFileSync(out, JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
console.log(`${out}: ${features.length} countries`);
