/**
 * Dynamic debug (lib/dynamic_debug.c): every pr_debug() call site is listed in
 * /sys/kernel/debug/dynamic_debug/control and prints only while its 'p' flag
 * is set. A fresh kernel has every flag clear, which is why a default dmesg
 * shows no "initializing … transition" lines.
 */
import { EINVAL } from './errno';

export interface DebugSite {
  module: string;
  file: string;
  func: string;
  line: number;
  format: string;
}

interface SiteState extends DebugSite {
  flags: Set<string>;
}

const FLAG_CHARS = new Set(['p', 'f', 'l', 'm', 't', '_']);

export class DynamicDebug {
  private readonly sites: SiteState[] = [];
  private readonly byKey = new Map<string, SiteState>();

  register(site: DebugSite): DebugSite {
    const key = `${site.file}:${site.line}:${site.func}:${site.format}`;
    if (!this.byKey.has(key)) {
      const s = { ...site, flags: new Set<string>() };
      this.sites.push(s);
      this.byKey.set(key, s);
    }
    return site;
  }

  enabled(site: DebugSite): boolean {
    const s = this.byKey.get(`${site.file}:${site.line}:${site.func}:${site.format}`);
    return !!s && s.flags.has('p');
  }

  /** The text of the control file. */
  control(): string {
    const lines = ['# filename:lineno [module]function flags format'];
    for (const s of this.sites) {
      const flags = s.flags.size ? [...s.flags].sort().join('') : '_';
      const fmt = s.format.replace(/\n/g, '\\n');
      lines.push(`${s.file}:${s.line} [${s.module}]${s.func} =${flags} "${fmt}"`);
    }
    return lines.join('\n') + '\n';
  }

  /**
   * Applies the queries written to the control file (ddebug_exec_queries):
   * `file kernel/livepatch/* +p`, `func klp_try_switch_task -p`,
   * `module livepatch =p`, `format "…" +p`, `line 12-40 -p`.
   * Returns -EINVAL for a query the kernel would refuse.
   */
  exec(text: string): number {
    for (const raw of text.split(/[;\n]/)) {
      const query = raw.replace(/#.*$/, '').trim();
      if (query === '') continue;
      const err = this.execQuery(query);
      if (err) return err;
    }
    return 0;
  }

  private execQuery(query: string): number {
    const words = splitQuery(query);
    if (!words || words.length < 1) return -EINVAL;
    const flagWord = words[words.length - 1]!;
    const op = flagWord[0];
    if (op !== '+' && op !== '-' && op !== '=') return -EINVAL;
    const flags = flagWord.slice(1);
    for (const c of flags) if (!FLAG_CHARS.has(c)) return -EINVAL;
    const terms = words.slice(0, -1);
    if (terms.length % 2 !== 0) return -EINVAL;
    const match: Partial<Record<'file' | 'func' | 'module' | 'format' | 'line', string>> = {};
    for (let i = 0; i < terms.length; i += 2) {
      const kw = terms[i]!;
      if (kw !== 'file' && kw !== 'func' && kw !== 'module' && kw !== 'format' && kw !== 'line') return -EINVAL;
      if (match[kw] !== undefined) return -EINVAL;
      match[kw] = terms[i + 1]!;
    }
    let lineLo = 0;
    let lineHi = Infinity;
    if (match.line !== undefined) {
      const m = /^(\d*)(?:-(\d*))?$/.exec(match.line);
      if (!m) return -EINVAL;
      lineLo = m[1] ? Number(m[1]) : 0;
      lineHi = m[2] !== undefined ? (m[2] ? Number(m[2]) : Infinity) : m[1] ? Number(m[1]) : Infinity;
    }
    for (const s of this.sites) {
      if (match.file !== undefined && !globMatch(match.file, s.file) && !globMatch(match.file, basename(s.file))) continue;
      if (match.func !== undefined && !globMatch(match.func, s.func)) continue;
      if (match.module !== undefined && !globMatch(match.module, s.module)) continue;
      if (match.format !== undefined && !s.format.includes(match.format)) continue;
      if (s.line < lineLo || s.line > lineHi) continue;
      const set = new Set(flags.replace('_', ''));
      if (op === '=') s.flags = set;
      else for (const f of set) op === '+' ? s.flags.add(f) : s.flags.delete(f);
    }
    return 0;
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Splits on blanks, keeping "quoted words" together (ddebug_tokenize). */
function splitQuery(q: string): string[] | null {
  const out: string[] = [];
  const re = /\s*(?:"([^"]*)"|'([^']*)'|(\S+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q)) !== null) {
    if (m[0].trim() === '') break;
    out.push(m[1] ?? m[2] ?? m[3]!);
  }
  return out;
}

/** The shell-style wildcard match dynamic debug uses (match_wildcard). */
export function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    '^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$',
  );
  return re.test(text);
}
