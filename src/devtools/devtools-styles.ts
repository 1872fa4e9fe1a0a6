/**
 * The devtools' inline styles: the panel carries its own look, so it needs
 * no stylesheet and does not inherit the page's.
 */
import type { CSSProperties } from 'react';

const FONT = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

/** Styles of the devtools' parts, by part. */
export const styles = {
  toggle: {
    position: 'fixed', right: 12, bottom: 12, zIndex: 2147483000, font: `12px ${FONT}`, padding: '6px 10px',
    borderRadius: 6, border: '1px solid #334155', background: '#0f172a', color: '#e2e8f0', cursor: 'pointer',
  },
  panel: {
    position: 'fixed', left: 0, right: 0, bottom: 0, height: '45vh', zIndex: 2147482999, display: 'flex', flexDirection: 'column',
    font: `12px ${FONT}`, background: '#0f172a', color: '#e2e8f0', borderTop: '2px solid #334155', boxSizing: 'border-box',
  },
  tabs: { display: 'flex', gap: 2, padding: '4px 6px', borderBottom: '1px solid #334155', flexWrap: 'wrap' },
  tab: { padding: '3px 8px', border: 'none', borderRadius: 4, background: 'transparent', color: '#94a3b8', cursor: 'pointer', font: 'inherit' },
  activeTab: { padding: '3px 8px', border: 'none', borderRadius: 4, background: '#1e293b', color: '#f8fafc', cursor: 'pointer', font: 'inherit' },
  body: { flex: 1, overflow: 'auto', padding: 8 },
  split: { display: 'flex', gap: 8, minHeight: '100%' },
  list: { flex: '0 0 40%', overflow: 'auto', borderRight: '1px solid #334155', paddingRight: 6 },
  row: { display: 'block', width: '100%', textAlign: 'left', padding: '2px 4px', border: 'none', background: 'transparent', color: 'inherit', font: 'inherit', cursor: 'pointer' },
  selectedRow: { display: 'block', width: '100%', textAlign: 'left', padding: '2px 4px', border: 'none', background: '#1e3a8a', color: '#f8fafc', font: 'inherit', cursor: 'pointer' },
  detail: { flex: 1, overflow: 'auto', minWidth: 0 },
  pre: { margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word', background: '#020617', padding: 6, borderRadius: 4 },
  input: { font: 'inherit', background: '#020617', color: '#e2e8f0', border: '1px solid #334155', borderRadius: 4, padding: '3px 5px', boxSizing: 'border-box' },
  button: { font: 'inherit', background: '#2563eb', color: 'white', border: 'none', borderRadius: 4, padding: '3px 10px', cursor: 'pointer' },
  muted: { color: '#94a3b8' },
  error: { color: '#fca5a5' },
  table: { borderCollapse: 'collapse', width: '100%' },
  cell: { textAlign: 'left', padding: '1px 8px 1px 0', verticalAlign: 'top' },
} satisfies Record<string, CSSProperties>;
