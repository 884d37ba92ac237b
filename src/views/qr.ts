/**
 * A QR code drawn here, with no network: the closing slide's link as modules
 * an audience's phone can read. The encoding (Reed–Solomon, masks) is the
 * qrcode-generator library's; this file turns it into what an SVG draws.
 */
import qrcode from 'qrcode-generator';

/** The modules of the smallest QR code that holds `text` (byte mode, error correction M): true is dark. */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

/** The dark modules as one SVG path of unit squares, row by row (a run of dark modules is one rectangle). */
export function qrPath(m: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  m.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      let end = x;
      while (row[end + 1]) end++;
      parts.push(`M${x} ${y}h${end - x + 1}v1h${-(end - x + 1)}z`);
      x = end;
    }
  });
  return parts.join('');
}
