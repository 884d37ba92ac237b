/**
 * `npm run build:single`: the built page with its code and styles inside it,
 * one file that works opened from file:// (where Chromium refuses module
 * scripts from other files) and needs no network: a speaker's offline copy.
 * Its policy allows exactly the inline script and styles it carries, by hash.
 */
import { createHash } from 'node:crypto';

export interface SingleFile {
  html: string;
  /** the files whose text is now inside the page */
  inlined: string[];
  /** sha256 (base64) of each inline <script> and <style>, for the policy */
  scripts: string[];
  styles: string[];
}

/** The tags Vite writes into the built page (with `base: './'`) that load a file of the bundle. */
const SCRIPT = /<script type="module" crossorigin src="\.\/([^"]+)"><\/script>/g;
const STYLESHEET = /<link rel="stylesheet" crossorigin href="\.\/([^"]+)">/g;
const MODULE_PRELOAD = /<link rel="modulepreload" crossorigin href="\.\/([^"]+)">\s*/g;

/**
 * Puts each script and stylesheet the page links into the page itself.
 * `read` gives a bundle file's text by its path. Throws where the result
 * would not be one self-contained file, rather than write a page that is
 * blank from file://.
 */
export function inlineBundle(html: string, read: (file: string) => string | undefined): SingleFile {
  const inlined: string[] = [];
  const scripts: string[] = [];
  const styles: string[] = [];
  const take = (file: string) => {
    const text = read(file);
    if (text === undefined) throw new Error(`single file: ${file} is linked from the page but not in the bundle`);
    inlined.push(file);
    return text;
  };
  let out = html.replace(MODULE_PRELOAD, (_, file: string) => {
    throw new Error(`single file: ${file} is a separate chunk (build with code splitting off)`);
  });
  out = out.replace(SCRIPT, (_, file: string) => {
    const code = scriptText(take(file), file);
    scripts.push(sha256(code));
    return `<script type="module">${code}</script>`;
  });
  out = out.replace(STYLESHEET, (_, file: string) => {
    const css = take(file);
    if (/<\/style/i.test(css)) throw new Error(`single file: ${file} contains "</style"`);
    styles.push(sha256(css));
    return `<style>${css}</style>`;
  });
  // What the page's own tags still load: the inlined code may well hold such text as data (a QR
  // library's '<img src="' builder), which loads nothing.
  const tags = out.replace(/<script type="module">[\s\S]*?<\/script>|<style>[\s\S]*?<\/style>/g, '');
  const left = tags.match(/\s(?:src|href)="(?!data:|#)[^"]*"/g);
  if (left) throw new Error(`single file: the page still loads ${left.join(', ')}`);
  return { html: out, inlined, scripts, styles };
}

/**
 * A script's text made safe inside <script>…</script>: "</script" would end the
 * element early, and "<\/" means "</" in every JavaScript context it can occur in
 * (strings, templates, regular expressions, comments). A "<!--" not closed by
 * "-->" before a "<script" would make the HTML parser skip the next "</script>"
 * (the script data double-escaped state); Svelte's "<!---->" closes at once,
 * anything else of the kind stops the build.
 */
export function scriptText(code: string, file = 'script'): string {
  const lower = code.toLowerCase();
  for (let at = lower.indexOf('<!--'); at >= 0; at = lower.indexOf('<!--', at + 1)) {
    const close = lower.indexOf('-->', at + 2);
    const script = lower.indexOf('<script', at);
    if (script >= 0 && (close < 0 || script < close)) throw new Error(`single file: ${file} opens "<!--" before a "<script"`);
  }
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
