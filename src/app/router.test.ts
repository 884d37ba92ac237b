/**
 * The router opens the page's link, but a view option the user picks while
 * that link is still loading (the links module, a scenario, a replay) is a
 * later choice than the link's and must not be undone by it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppState, DEFAULT_SPEED } from './state.svelte';
import { Router } from './router.svelte';
import { DEFAULT_SETUP } from '../session/situation';

/** The address bar and history the router writes to, without a browser. */
function fakeAddress(hash: string) {
  const address = { hash };
  const moveTo = (_: unknown, __: string, to: string) => {
    address.hash = to;
  };
  vi.stubGlobal('location', address);
  vi.stubGlobal('history', { replaceState: moveTo, pushState: moveTo });
  return address;
}

/** The links module answers only once `first` is done: a follow() that starts now decodes after it. */
function linksAfter(router: Router, first: Promise<unknown>): void {
  type WithLinks = { loadLinks(): Promise<unknown> };
  const links = (router as unknown as WithLinks).loadLinks.bind(router);
  vi.spyOn(router as unknown as WithLinks, 'loadLinks').mockImplementation(async () => {
    await first;
    return links();
  });
}

describe('Router', () => {
  beforeEach(() => vi.unstubAllGlobals());
  afterEach(() => vi.unstubAllGlobals());

  it("opens the link's step in the link's theme and speed", async () => {
    const address = fakeAddress('#/s/first-livepatch/1?speed=4&theme=light');
    const app = new AppState();
    const router = new Router(app);
    await router.start();
    expect(app.position).toBe(1);
    expect(router.options.theme).toBe('light');
    expect(app.speed).toBe(4);
    expect(address.hash).toBe('#/s/first-livepatch/1?speed=4&theme=light');
  });

  it('a theme and a speed picked while the link loads win over the link’s', async () => {
    const address = fakeAddress('#/s/first-livepatch/1?speed=4&theme=light');
    const app = new AppState();
    const router = new Router(app);
    const opening = router.start();
    // The user clicks before the link has been decoded and applied.
    router.setTheme('dark');
    app.setSpeed(0.5);
    await opening;
    expect(app.position).toBe(1);
    expect(router.options.theme).toBe('dark');
    expect(app.speed).toBe(0.5);
    await router.sync(true);
    expect(address.hash).toBe('#/s/first-livepatch/1?speed=0.5&theme=dark');
  });

  it('following another link applies its options, unless the user picked one meanwhile', async () => {
    const address = fakeAddress('#/s/first-livepatch/1?theme=light');
    const app = new AppState();
    const router = new Router(app);
    await router.start();

    address.hash = '#/s/atomic-replace/2?theme=dark&speed=8';
    await router.follow();
    expect(app.scenario?.id).toBe('atomic-replace');
    expect(router.options.theme).toBe('dark');
    expect(app.speed).toBe(8);

    address.hash = '#/s/atomic-replace/1?theme=dark';
    const following = router.follow();
    router.setTheme('light');
    await following;
    expect(app.position).toBe(1);
    expect(router.options.theme).toBe('light');
    // Speed was not touched meanwhile: the link's (absent, the default) applies.
    expect(app.speed).toBe(DEFAULT_SPEED);
  });

  it('an address followed while the step before is still being written wins', async () => {
    const address = fakeAddress('#/s/first-livepatch/0?embed');
    const app = new AppState();
    const router = new Router(app);
    await router.start();
    // A step is shown and its address is on its way (sync waits a task, then encodes)…
    await app.goto(3);
    const writing = router.sync();
    // …when the reader goes to another address; the links module answers after the sync has run.
    address.hash = '#/s/first-livepatch/5?talk';
    linksAfter(router, writing);
    await Promise.all([writing, router.follow()]);
    expect(app.position).toBe(5);
    expect(router.options.talk).toBe(true);
    expect(address.hash).toBe('#/s/first-livepatch/5?talk');
  });

  it('an address the reader moved to before the step shown is written wins, though its hashchange comes after', async () => {
    const address = fakeAddress('#/s/first-livepatch/0?embed');
    const app = new AppState();
    const router = new Router(app);
    await router.start();
    await app.goto(3);
    // The reader sets the address; the browser delivers its hashchange after the sync's task has run.
    address.hash = '#/s/first-livepatch/5?talk';
    await router.sync();
    expect(address.hash).toBe('#/s/first-livepatch/5?talk');
    await router.follow();
    expect(app.position).toBe(5);
    expect(router.options.talk).toBe(true);
    expect(address.hash).toBe('#/s/first-livepatch/5?talk');
  });

  it('Back or Forward while the page’s own link still opens is applied after it, not undone by it', async () => {
    fakeAddress('#/s/first-livepatch/1');
    const app = new AppState();
    const router = new Router(app);
    // The links module answers late: the page's link is still opening when the reader goes to an
    // entry that holds a situation (a step no link could hold, kept in its history state).
    let loaded!: () => void;
    linksAfter(router, new Promise<void>((r) => (loaded = r)));
    const opening = router.start();
    const kept = { klpscope: { setup: DEFAULT_SETUP, inputs: [{ kind: 'command', line: 'cat /proc/cmdline' }, { kind: 'command', line: 'lsmod' }], step: 2 } };
    const moved = router.popped(kept);
    loaded();
    await Promise.all([opening, moved]);
    expect(app.scenario).toBeNull();
    expect(app.position).toBe(2);
    expect(app.history).toEqual(['cat /proc/cmdline', 'lsmod']);
  });

  it('an address refused while the step before is still being written leaves the address at the step shown', async () => {
    const address = fakeAddress('#/s/first-livepatch/0');
    const app = new AppState();
    const router = new Router(app);
    await router.start();
    await app.goto(3);
    const writing = router.sync();
    // The reader edits the address into one that cannot be opened; the links module answers after the sync was dropped.
    address.hash = '#/s/no-such-scenario/1';
    linksAfter(router, writing);
    await Promise.all([writing, router.follow()]);
    await vi.waitFor(() => expect(address.hash).toBe('#/s/first-livepatch/3'));
    expect(router.error).toMatch(/no-such-scenario/);
  });
});
