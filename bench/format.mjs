// How figures are written in bench/RESULTS.md and the printed tables: one place, so every section
// writes a second, a ratio or a share the same way.
export const MB = (b) => (b == null ? '—' : `${(b / 1e6).toFixed(2)} MB`);
export const B = (b) => (b == null ? '—' : b.toLocaleString('en'));
export const S = (ms) => `${(ms / 1000).toFixed(2)} s`;
export const MS = (ms) => `${ms.toFixed(1)} ms`;
export const X = (r) => (r >= 1 ? `${r.toFixed(2)}×` : `${r.toFixed(3)}`);
export const P = (r) => `${(r * 100).toFixed(1)} %`;
export const range = (s, f) => `${f(s.median)} (${f(s.min)}–${f(s.max)}, n=${s.n})`;
export const yes = (b) => (b ? 'met' : '**missed**');
