import { describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import { inlineBundle, scriptText } from './single-file';

const PAGE = `<head>
    <script type="module" crossorigin src="./assets/index-a1.js"></script>
    <link rel="stylesheet" crossorigin href="./assets/index-b2.css">
  </head>`;

async function sha256(text: string): Promise<string> {
  const digest = await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('base64');
}

describe('the single-file page', () => {
  const files: Record<string, string> = {
    'assets/index-a1.js': 'return ["</script>", /a<\\/script>/.test("a</script>"), `</SCRIPT>`];',
    'assets/index-b2.css': 'body { color: red }',
  };

  it('carries its script and styles inside it, and the hashes of exactly that text', async () => {
    const out = inlineBundle(PAGE, (f) => files[f]);
    expect(out.inlined).toEqual(['assets/index-a1.js', 'assets/index-b2.css']);
    expect(out.html).not.toMatch(/src=|href=/);
    const script = out.html.match(/<script type="module">([\s\S]*?)<\/script>/)![1]!;
    const style = out.html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
    // The script's own "</script>" does not end the element, and still means the same string.
    expect(script).not.toMatch(/<\/script/i);
    expect(new Function(script)()).toEqual(['</script>', true, '</SCRIPT>']);
    expect(out.scripts).toEqual([await sha256(script)]);
    expect(out.styles).toEqual([await sha256(style)]);
  });

  it('refuses a page it cannot make whole: a missing file, a separate chunk, a file left linked', () => {
    expect(() => inlineBundle(PAGE, () => undefined)).toThrow(/assets\/index-a1\.js is linked from the page but not in the bundle/);
    const chunked = PAGE.replace('</head>', '<link rel="modulepreload" crossorigin href="./assets/engine.js">\n</head>');
    expect(() => inlineBundle(chunked, (f) => files[f])).toThrow(/assets\/engine\.js is a separate chunk/);
    const icon = PAGE.replace('</head>', '<link rel="icon" href="./favicon.ico"></head>');
    expect(() => inlineBundle(icon, (f) => files[f])).toThrow(/still loads  ?href="\.\/favicon\.ico"/);
  });

  it("reads what the page's tags load, not text inside its code (a library's '<img src=\"' builder)", () => {
    const builder: Record<string, string> = { ...files, 'assets/index-a1.js': 'export const img = (u) => `<img src="` + u + `" alt="">`;' };
    expect(inlineBundle(PAGE, (f) => builder[f]).html).toContain('<img src="');
    const both = PAGE.replace('</head>', '<img src="./logo.png"></head>');
    expect(() => inlineBundle(both, (f) => builder[f])).toThrow(/still loads  ?src="\.\/logo\.png"/);
  });
});

describe("a script's text inside <script>", () => {
  it('lets "<!--" through where "-->" closes it before any "<script" (Svelte\'s "<!---->")', () => {
    expect(scriptText('t.innerHTML = s.replaceAll("<!>", "<!---->"); x = "<script>"')).toContain('<!---->');
    expect(scriptText('a = "<!-->"; b = "<script>"')).toBe('a = "<!-->"; b = "<script>"');
  });

  it('refuses a "<!--" left open before a "<script", which would change where the element ends', () => {
    expect(() => scriptText('a = "<!--"; b = "<SCRIPT>"; c = "-->"')).toThrow(/opens "<!--" before a "<script"/);
    expect(() => scriptText('a = "<!-- <script"')).toThrow();
  });
});
