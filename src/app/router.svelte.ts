/**
 * Keeps the address bar and the situation in step: a link opens a situation
 * (a narrated scenario at a step, or an exploration), every step change
 * updates the link, and the browser's back and forward move through steps.
 * A link is untrusted: a bad one is refused with a message and changes
 * nothing the user had. links.ts (decoding, explorations) loads on demand.
 */
import { scenarioHash, storyHash, type ViewOptions } from './link-view';
import type { Link } from './links';
import type { Release } from '../kernel/release/releases';
import type { AppState } from './state.svelte';
import { DEFAULT_SETUP, type Input, type Setup } from '../session/situation';
import { DEFAULT_SPEED } from './state.svelte';
import { SCENARIO_LIST, findEntry } from '../scenarios/catalog';

type Links = typeof import('./links');
/** A history entry's state for a step that could not be a link: its situation. */
type Kept = { klpscope: { setup: Setup; inputs: Input[]; step: number } };

const isKept = (state: unknown): state is Kept => typeof state === 'object' && state !== null && 'klpscope' in state;
type Picked = Pick<ViewOptions, 'theme'> & { speed: number };

export class Router {
  /** what was wrong with the last link, shown until dismissed */
  error = $state<string | null>(null);
  options = $state<ViewOptions>({ talk: false, embed: false });
  /** the hash that reproduces what is shown now */
  link = $state('#/');
  /** the same, in the full app (not embedded): where "open in klpscope" goes */
  appLink = $state('#/');
  /** why what is shown now cannot be a link (the address keeps the last step that could) */
  unshareable = $state<string | null>(null);
  private links: Promise<Links> | null = null;
  private syncs = 0;
  /** set while following the address: the steps that follow it are not new history */
  private following = false;
  /**
   * The address as the browser held it when we last read or wrote it. When the bar says
   * otherwise, the reader moved it and its hashchange is on its way: a sync must not write over it.
   */
  private address = '';

  constructor(private readonly app: AppState) {}

  private loadLinks(): Promise<Links> {
    return (this.links ??= import('./links'));
  }

  /** The view options now; a link says only what differs from the defaults, so it stays short. */
  viewNow(): ViewOptions {
    return { ...this.options, speed: this.app.speed === DEFAULT_SPEED ? undefined : this.app.speed };
  }

  /**
   * The hash for the situation shown, and the same in the full app, once
   * they are known; and, when it cannot be a link, the situation itself, for
   * the history entry to hold (the address keeps the last step that could).
   */
  private async hashNow(): Promise<[string, string, Kept | null] | null> {
    const app = this.app;
    const s = app.scenario;
    const view = this.viewNow();
    const full = { ...view, embed: false };
    const sit = app.situation();
    if (!s && !sit) return null; // nothing is shown yet: the address stays as it is
    if ((s && app.onScenarioPath) || !sit) {
      this.unshareable = null;
      return [storyHash(s!, app.position, view), storyHash(s!, app.position, full), null];
    }
    const { encodeSituation, decodeLink, LIMITS } = await this.loadLinks();
    const at = { setup: sit.setup, inputs: sit.inputs, step: app.position };
    const hash = encodeSituation({ ...at, options: view });
    // Never write a link that opening would refuse: past a limit, the address stays where it was.
    const refused = sit.work > LIMITS.work ? 'it asks for more simulation than a link may replay' : decodeLink(hash).ok ? null : 'it is longer than a link may be';
    this.unshareable = refused && `This situation cannot be shared as a link: ${refused}. Back and Forward still find it.`;
    return refused ? [this.link, this.appLink, { klpscope: at }] : [hash, encodeSituation({ ...at, options: full }), null];
  }

  /** The link to a scenario's first step (null: a fresh machine), in the current view options. */
  hashFor(id: string | null): string {
    return id === null ? '#/blank' : scenarioHash(id, 0, this.viewNow());
  }

  /** Another release side by side (undefined: none), in the link like the theme. */
  setCompare(compare: Release | undefined): void {
    this.options = { ...this.options, compare };
    void this.sync(true);
  }

  /** The theme the user picked becomes part of the link (replacing, not a new step). */
  setTheme(theme: 'light' | 'dark'): void {
    this.options = { ...this.options, theme };
    void this.sync(true);
  }

  /**
   * Navigations (the page's own link, a followed address, Back and Forward) one at a time, in the
   * order the browser told us: each reads the address and the history entry when its turn comes, so
   * a Back pressed while the page's link still opens is not undone when that link's opening ends.
   */
  private navigating: Promise<unknown> = Promise.resolve();
  private serially(op: () => Promise<void>): Promise<void> {
    const run = this.navigating.then(op);
    this.navigating = run.catch(() => {});
    return run;
  }

  /**
   * Opens the page's own link once `when` resolves (the page's first turn). A bad one opens the first
   * scenario, with a message.
   */
  start(when: Promise<void> = Promise.resolve()): Promise<void> {
    // What the user picks from now on, while the link opens, is a later choice than the link's.
    const before = this.viewPicked();
    return this.serially(async () => {
      await when;
      await this.startNow(before);
    });
  }

  private async startNow(before: Picked): Promise<void> {
    const hash = legacyLargeSystem() ?? location.hash;
    this.address = location.hash;
    if (isKept(history.state)) {
      // A reload of a step no link could hold: the history entry still has it.
      const r = (await this.loadLinks()).decodeLink(hash);
      if (r.ok && r.link.kind !== 'home' && r.link.kind !== 'blank') this.applyOptions(r.link.kind === 'exploration' ? r.link.situation.options : r.link.options, before);
      return this.poppedNow(history.state);
    }
    if (hash === '' || hash === '#' || hash === '#/') {
      await this.open({ kind: 'home' }, before);
    } else {
      const r = (await this.loadLinks()).decodeLink(hash);
      if (!r.ok) this.error = r.error;
      // Nothing is shown yet: a link that cannot be opened opens the first scenario.
      if (!r.ok || !(await this.open(r.link, before))) {
        this.error = `${this.error} Here is the first scenario.`;
        await this.openFirst();
      }
    }
    await this.sync(true);
  }

  /** The address changed (back/forward, an edited or followed link). */
  follow(again = false): Promise<void> {
    const picked = this.viewPicked();
    return this.serially(() => this.followNow(again, picked));
  }

  private async followNow(again: boolean, picked: Picked): Promise<void> {
    // The address the reader went to, read now: a sync still on its way (the step shown before)
    // must neither write over it nor be what is decoded after the await below.
    const hash = location.hash;
    this.address = hash;
    if (hash === this.link && !again) return;
    this.syncs++;
    const r = (await this.loadLinks()).decodeLink(hash);
    if (!r.ok) {
      // Keep everything as it is; put the address back to it.
      this.error = r.error;
      this.write(null, this.link, true);
      // A sync dropped above may have been the step shown's own: its address is written now.
      void this.sync(true);
      return;
    }
    this.error = null;
    const before = this.link;
    // The address already says where we go: moving there adds no history entry.
    this.link = hash;
    this.following = true;
    try {
      const link = r.link;
      const app = this.app;
      const shown = app.scenario?.kind === 'timeline' ? app.scenario : null;
      const same =
        app.onScenarioPath &&
        ((link.kind === 'scenario' && app.scenario?.id === link.id && !shown?.shared) || (link.kind === 'authored' && shown?.shared === link.shared));
      if (same) {
        this.applyOptions(link.options, picked);
        await app.goto(link.step);
      } else if (!(await this.open(link, picked))) {
        // Keep everything the user had; put the address back to it.
        this.link = before;
        this.write(null, before, true);
        void this.sync(true);
        return;
      }
      await this.sync(true);
    } finally {
      this.following = false;
    }
  }

  /**
   * After a step: the link follows; each step is a history entry, so
   * back/forward step. A step that cannot be a link is a history entry too,
   * holding its situation (browsers keep an entry's state across reloads).
   */
  async sync(replace = false): Promise<void> {
    const token = ++this.syncs;
    replace ||= this.following;
    // In a task of its own: encoding the link and the history entry (~25 ms on a slow machine)
    // need not lengthen the one that draws the step.
    await new Promise((r) => setTimeout(r, 0));
    if (token !== this.syncs) return;
    const now = await this.hashNow();
    if (token !== this.syncs || !now) return; // a later step already synced, or nothing is shown
    if (location.hash !== this.address) return; // the reader moved the address: follow() takes it from here
    const [hash, appLink, kept] = now;
    this.appLink = appLink;
    const held = isKept(history.state);
    if (!kept && hash === this.link && !held) return;
    this.link = hash;
    this.write(kept, hash, replace || this.app.playing);
  }

  private write(state: Kept | null, hash: string, replace: boolean): void {
    if (replace) history.replaceState(state, '', hash);
    else history.pushState(state, '', hash);
    this.address = location.hash;
  }

  /**
   * Back or Forward landed on a history entry. One holding a situation that
   * could not be a link reopens it; one without, at the address of what is
   * shown, reopens that address (the hash did not change, so no hashchange).
   */
  popped(state: unknown): Promise<void> {
    return this.serially(() => this.poppedNow(state));
  }

  private async poppedNow(state: unknown): Promise<void> {
    if (isKept(state)) {
      const { setup, inputs, step } = state.klpscope;
      // The hashchange that may follow this event must not open the address: this entry's state wins.
      this.link = this.address = location.hash;
      this.following = true;
      try {
        // Our own session made it: its replay was accepted once, so no link budget applies.
        await this.app.openSituation(setup, inputs, step);
        await this.sync(true);
      } finally {
        this.following = false;
      }
    } else if (this.unshareable && location.hash === this.link) {
      await this.followNow(true, this.viewPicked());
    }
  }

  /** The view options a user can pick (theme, speed), to tell later whether they did while a link opened. */
  private viewPicked(): Picked {
    return { theme: this.options.theme, speed: this.app.speed };
  }

  /**
   * A link's view options replace the current ones (what it leaves out is the
   * default), except those the user changed since `before`, while the link was
   * still loading: their later choice wins.
   */
  private applyOptions(options: ViewOptions, before: Picked): void {
    const theme = this.options.theme !== before.theme ? this.options.theme : options.theme;
    const speed = this.app.speed !== before.speed ? this.app.speed : (options.speed ?? DEFAULT_SPEED);
    this.options = { ...options, theme };
    this.app.setSpeed(speed);
  }

  /**
   * Opens a link's situation. A link that names no scenario, or whose replay
   * fails (more simulation than a link may ask for), sets `error` and returns
   * false, having changed nothing.
   */
  private async open(link: Link, before: Picked): Promise<boolean> {
    const app = this.app;
    if (link.kind === 'home') {
      if (link.options) this.applyOptions(link.options, before);
      return this.openFirst();
    }
    if (link.kind === 'blank') {
      await app.openSituation(DEFAULT_SETUP);
      return true;
    }
    if (link.kind === 'scenario') {
      const entry = findEntry(link.id);
      if (!entry) {
        this.error = `There is no scenario named '${link.id}'.`;
        return false;
      }
      this.applyOptions(link.options, before);
      await app.openScenario(await entry.load(), link.step);
      return true;
    }
    if (link.kind === 'authored') {
      const { readScenario, ScenarioFormatError } = await import('../scenarios/format');
      let s;
      try {
        s = { ...readScenario(link.file, 'the link'), shared: link.shared };
      } catch (e) {
        const problems = e instanceof ScenarioFormatError ? e.problems : [String(e)];
        const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
        this.error = `The scenario in the link cannot be opened: ${problems.slice(0, 3).join('; ')}${more}.`;
        return false;
      }
      try {
        await app.openScenario(s, Math.min(link.step, s.steps.length));
      } catch (e) {
        this.error = `The scenario in the link could not be replayed (${e instanceof Error ? e.message : 'error'}).`;
        return false;
      }
      this.applyOptions(link.options, before);
      return true;
    }
    const sit = link.situation;
    try {
      await app.openSituation(sit.setup, sit.inputs, sit.step, (await this.loadLinks()).LIMITS.work);
    } catch (e) {
      // A link's inputs are valid data, but replaying them may still fail.
      this.error = `The link's situation could not be replayed (${e instanceof Error ? e.message : 'error'}).`;
      return false;
    }
    this.applyOptions(sit.options, before);
    return true;
  }

  private async openFirst(): Promise<true> {
    await this.app.openScenario(await SCENARIO_LIST[0]!.load(), 0);
    return true;
  }
}

/**
 * `/?tasks=N&cpus=M` (the address of large-system mode before links carried
 * it): the same machine as an exploration link, with the first patch loaded,
 * written into the hash so that from there on the address follows the steps.
 */
function legacyLargeSystem(): string | null {
  const q = new URLSearchParams(location.search);
  if (!q.has('tasks') && !q.has('cpus')) return null;
  const items = [`extraTasks=${Number(q.get('tasks') ?? 0) || 0}`, `cpus=${Number(q.get('cpus') ?? 4) || 4}`, '$insmod%20test_modules/test_klp_livepatch.ko', 'step=1'];
  const hash = `#/x/${items.join(';')}`;
  history.replaceState(null, '', `${location.pathname}${hash}`);
  return hash;
}
