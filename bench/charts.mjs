/**
 * SVG charts for the README, written as text (no dependency): horizontal bar
 * charts, one per operation group, one cluster of bars per operation, one bar
 * per contender, on a log scale (ns per op spans five decades from a Map to a
 * network round trip), each bar labelled with its value. A linear-scale
 * variant draws the memory chart.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENDERS, fmtNs, GROUPS, OPS } from './common.mjs';

const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const W = 960;
const LABEL_X = 16; // operation names
const BAR_X = 300; // bars start here; contender names end just left of it
const VALUE_W = 96; // room right of the longest bar for its value
const BAR_H = 14;
const BAR_GAP = 4;
const ROW_GAP = 14;
const TOP = 78; // title, subtitle, legend, axis labels
const AXIS_LABEL_H = 18;

const esc = (s) =>
  String(s)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/** Decade tick labels: 1 ns … 1 s. */
function decadeLabel(v) {
  return fmtNs(v).replace(/\.0+ /, ' ');
}

/** A scale over [lo, hi]: log (whole decades) or linear (round steps). */
function makeScale(values, kind) {
  const width = W - BAR_X - VALUE_W;
  if (kind === 'log') {
    const min = Math.min(...values);
    let lo = 10 ** Math.floor(Math.log10(min));
    if (min < 3 * lo) lo /= 10; // keep the shortest bar visible
    const hi = 10 ** Math.max(Math.ceil(Math.log10(Math.max(...values))), Math.log10(lo) + 2);
    const span = Math.log10(hi) - Math.log10(lo);
    const ticks = [];
    for (let v = lo; v <= hi * 1.0001; v *= 10) ticks.push(v);
    return { x: (v) => BAR_X + (width * (Math.log10(v) - Math.log10(lo))) / span, ticks, origin: lo };
  }
  const max = Math.max(...values);
  const step = 10 ** Math.floor(Math.log10(max / 4 || 1));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * step).find((s) => max / s <= 6) ?? 10 * step;
  const hi = Math.ceil(max / nice) * nice;
  const ticks = [];
  for (let v = 0; v <= hi + nice / 2; v += nice) ticks.push(v);
  return { x: (v) => BAR_X + (width * v) / hi, ticks, origin: 0 };
}

/**
 * One chart. `rows`: `[{ label, bars: [{ contender, value }] }]` (value undefined: not
 * run); `contenders`: `[{ id, short, color }]` in bar order; `scale`: 'log' | 'linear';
 * `format(value)` labels bars, `tickFormat(value)` linear-scale ticks; `footer`: lines of
 * small print.
 */
export function barChartSvg({
  title,
  subtitle,
  rows,
  contenders,
  scale = 'log',
  format = fmtNs,
  tickFormat = format,
  footer = [],
}) {
  const values = rows.flatMap((r) => r.bars.map((b) => b.value)).filter((v) => v !== undefined && v > 0);
  if (values.length === 0) return null;
  const sc = makeScale(values, scale);
  const used = contenders.filter((c) => rows.some((r) => r.bars.some((b) => b.contender === c.id)));
  const rowH = (r) => r.bars.length * (BAR_H + BAR_GAP) - BAR_GAP;
  const bodyH = rows.reduce((h, r) => h + rowH(r) + ROW_GAP, 0);
  const H = TOP + AXIS_LABEL_H + bodyH + 12 + footer.length * 15 + 12;
  const out = [];
  const el = (s) => out.push(s);
  el(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" font-size="12">`,
  );
  el(`<title>${esc(title)}</title>`);
  el(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  el(`<text x="${LABEL_X}" y="24" font-size="16" font-weight="600" fill="#1f2328">${esc(title)}</text>`);
  if (subtitle) el(`<text x="${LABEL_X}" y="42" fill="#57606a">${esc(subtitle)}</text>`);
  // Legend.
  let lx = LABEL_X;
  for (const c of used) {
    el(`<rect x="${lx}" y="52" width="12" height="12" rx="2" fill="${c.color}"/>`);
    el(`<text x="${lx + 16}" y="62" fill="#1f2328">${esc(c.short)}</text>`);
    lx += 16 + c.short.length * 7 + 18;
  }
  // Grid and tick labels.
  const gridTop = TOP + AXIS_LABEL_H - 4;
  const gridBottom = TOP + AXIS_LABEL_H + bodyH - ROW_GAP + 4;
  for (const t of sc.ticks) {
    const x = sc.x(t).toFixed(1);
    el(`<line x1="${x}" y1="${gridTop}" x2="${x}" y2="${gridBottom}" stroke="#d0d7de" stroke-width="1"/>`);
    const label = scale === 'log' ? decadeLabel(t) : tickFormat(t);
    el(
      `<text x="${x}" y="${TOP + 10}" text-anchor="middle" fill="#57606a" font-size="11">${esc(label)}</text>`,
    );
  }
  // Rows.
  let y = TOP + AXIS_LABEL_H;
  for (const r of rows) {
    const h = rowH(r);
    el(
      `<text x="${LABEL_X}" y="${(y + h / 2 + 4).toFixed(1)}" font-weight="600" fill="#1f2328">${esc(r.label)}</text>`,
    );
    for (const b of r.bars) {
      const c = contenders.find((k) => k.id === b.contender);
      const bold = c.id === 'cachee' ? ' font-weight="600"' : '';
      el(
        `<text x="${BAR_X - 6}" y="${y + BAR_H - 3}" text-anchor="end" fill="#57606a" font-size="11"${bold}>${esc(c.short)}</text>`,
      );
      if (b.value === undefined || !(b.value > 0)) {
        el(
          `<text x="${BAR_X + 4}" y="${y + BAR_H - 3}" fill="#8c959f" font-size="11" font-style="italic">${esc(b.note ?? 'not run')}</text>`,
        );
      } else {
        const x1 = sc.x(b.value);
        const wBar = Math.max(1, x1 - BAR_X);
        el(
          `<rect x="${BAR_X}" y="${y}" width="${wBar.toFixed(1)}" height="${BAR_H}" rx="2" fill="${c.color}"><title>${esc(`${c.short}: ${format(b.value)}`)}</title></rect>`,
        );
        el(
          `<text x="${(x1 + 5).toFixed(1)}" y="${y + BAR_H - 3}" fill="#1f2328" font-size="11"${bold}>${esc(format(b.value))}</text>`,
        );
      }
      y += BAR_H + BAR_GAP;
    }
    y += ROW_GAP - BAR_GAP;
  }
  y += 16;
  for (const line of footer) {
    el(`<text x="${LABEL_X}" y="${y}" fill="#57606a" font-size="11">${esc(line)}</text>`);
    y += 15;
  }
  el('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Writes one chart per operation group (bench/charts/<group>.svg) from the merged
 * results (`${op}/${contender}` → { p50 }), plus memory.svg when `memory` has figures.
 * Returns the files written (relative to bench/).
 */
export function writeCharts(dir, { results, skipped = new Map(), env, memory }) {
  mkdirSync(dir, { recursive: true });
  const files = [];
  const stamp = `${env.cpu}, ${env.cores} cores · Node ${env.node} · ${env.day}`;
  for (const [group, title] of Object.entries(GROUPS)) {
    const ops = OPS.filter((o) => o.group === group);
    const present = CONTENDERS.filter((c) => ops.some((o) => results.has(`${o.id}/${c.id}`)));
    const rows = ops.map((o) => ({
      label: o.short,
      bars: present.map((c) => ({ contender: c.id, value: results.get(`${o.id}/${c.id}`)?.p50 })),
    }));
    // Contenders absent from the whole chart get a line saying why.
    const absent = [];
    for (const c of CONTENDERS.filter((k) => !present.includes(k) && k.id !== 'lru-cache')) {
      const reason = ops.map((o) => skipped.get(`${o.id}/${c.id}`)).find((r) => r !== undefined);
      if (reason !== undefined) absent.push(`${c.short}: ${reason}`);
    }
    const svg = barChartSvg({
      title: `${title}: time per operation`,
      subtitle: 'median ns per op, log scale, shorter is faster; async clients: one awaited call at a time',
      rows,
      contenders: CONTENDERS,
      footer: [
        ...absent,
        stamp,
        'bench/run.mjs: Cachee sync API beside raw JS, lru-cache, ioredis-mock, ioredis / node-redis → local redis-server',
      ],
    });
    if (svg === null) {
      rmSync(join(dir, `${group}.svg`), { force: true }); // no stale chart from an earlier run
      continue;
    }
    writeFileSync(join(dir, `${group}.svg`), svg);
    files.push(`charts/${group}.svg`);
  }
  if (memory && memory.rows.length > 0) {
    const svg = barChartSvg({
      title: `Memory: ${memory.keys.toLocaleString('en-US')} string keys (11-byte key, 10-byte value)`,
      subtitle: 'bytes per key, shorter is smaller',
      rows: [{ label: 'bytes per key', bars: memory.rows.map((r) => ({ contender: r.id, value: r.value })) }],
      contenders: memory.contenders,
      scale: 'linear',
      format: (v) => `${v.toFixed(v >= 100 ? 0 : 1)} B`,
      tickFormat: (v) => `${Number(v.toFixed(1))} B`,
      footer: [stamp, 'Node stores: heap growth after full GCs; redis-server: INFO used_memory growth'],
    });
    if (svg !== null) {
      writeFileSync(join(dir, 'memory.svg'), svg);
      files.push('charts/memory.svg');
    }
  }
  return files;
}
