/**
 * The theme's colours and fonts as values, for a picture that leaves the page
 * (views/export/picture.ts). Another theme than the one shown is read with it
 * set on the page for a moment: a synchronous style read, nothing is drawn meanwhile.
 */
import { PALETTE_VARS, type Palette } from '../views/export/picture';

export function readPalette(theme: 'shown' | 'light' | 'dark'): Palette {
  const root = document.documentElement;
  const before = root.getAttribute('data-theme');
  if (theme !== 'shown') root.setAttribute('data-theme', theme);
  try {
    const cs = getComputedStyle(root);
    return Object.fromEntries(Object.entries(PALETTE_VARS).map(([k, v]) => [k, cs.getPropertyValue(v).trim()])) as unknown as Palette;
  } finally {
    if (before === null) root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', before);
  }
}
