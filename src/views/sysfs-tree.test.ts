import { describe, expect, it } from 'vitest';
import { actionsFor, buildTree, catCommand, flatten, focusAncestors, isModuleParam, isWritable, pathActors, pathFocus, writeCommand, type TreeNode } from './sysfs-tree';
import { dirEntry, file, moduleSysfs, patchSysfs } from './state-fixtures';
import type { SysfsEntry } from '../kernel/view/types';

const LP = '/sys/kernel/livepatch';
const P = `${LP}/livepatch_sample`;

function node(tree: TreeNode[], path: string): TreeNode {
  const hit = flatten(tree).filter((n) => n.path === path);
  expect(hit, path).toHaveLength(1);
  return hit[0]!;
}

const statuses = (tree: TreeNode[]) =>
  Object.fromEntries(
    flatten(tree)
      .filter((n) => n.status !== 'same')
      .map((n) => [n.path, n.status]),
  );

describe('modes and commands', () => {
  it('finds a write bit anywhere in the mode', () => {
    expect(isWritable('-rw-r--r--')).toBe(true);
    expect(isWritable('--w-------')).toBe(true);
    expect(isWritable('-r--r--rw-')).toBe(true);
    expect(isWritable('-r--r--r--')).toBe(false);
    expect(isWritable('drwxr-xr-x')).toBe(true);
  });

  it('spells commands as a user types them', () => {
    expect(catCommand(`${P}/enabled`)).toBe(`cat ${P}/enabled`);
    expect(writeCommand(`${P}/enabled`, '0')).toBe(`echo 0 > ${P}/enabled`);
    expect(writeCommand('/sys/module/m/parameters/x', ' 5 ')).toBe('echo 5 > /sys/module/m/parameters/x');
  });

  it('recognises module parameters', () => {
    expect(isModuleParam('/sys/module/test_klp_callbacks_busy/parameters/block_transition')).toBe(true);
    expect(isModuleParam('/sys/module/test_klp_callbacks_busy/refcnt')).toBe(false);
    expect(isModuleParam('/sys/module/m/parameters')).toBe(false);
  });
});

describe('actions', () => {
  it('enabled=1: "write 0" runs echo 0 > …/enabled', () => {
    expect(actionsFor(file(`${P}/enabled`, '1', '-rw-r--r--'))).toEqual([
      expect.objectContaining({ kind: 'write', label: 'write 0', command: `echo 0 > ${P}/enabled` }),
    ]);
  });

  it('enabled=0 while its transition runs: "write 1" reverses it', () => {
    const siblings = [file(`${P}/transition`, '1')];
    expect(actionsFor(file(`${P}/enabled`, '0', '-rw-r--r--'), siblings)).toEqual([
      expect.objectContaining({ label: 'write 1', command: `echo 1 > ${P}/enabled` }),
    ]);
    // a disabled patch with no transition: nothing to offer (and a write of 1 would be refused)
    expect(actionsFor(file(`${P}/enabled`, '0', '-rw-r--r--'), [file(`${P}/transition`, '0')])).toEqual([]);
  });

  it('before 5.1 (a signal file beside it): a registered, disabled patch offers "write 1" to enable it again; signal offers "write 1"', () => {
    const era = [file(`${P}/transition`, '0'), file(`${P}/signal`, undefined, '--w-------')];
    expect(actionsFor(file(`${P}/enabled`, '0', '-rw-r--r--'), era)).toEqual([
      expect.objectContaining({ label: 'write 1', command: `echo 1 > ${P}/enabled`, title: expect.stringContaining('__klp_enable_patch()') }),
    ]);
    expect(actionsFor(file(`${P}/signal`, undefined, '--w-------'))).toEqual([
      expect.objectContaining({ kind: 'write', label: 'write 1', command: `echo 1 > ${P}/signal`, title: expect.stringContaining('klp_send_signals()') }),
    ]);
  });

  it('force: "write 1"', () => {
    expect(actionsFor(file(`${P}/force`, undefined, '--w-------'))).toEqual([
      expect.objectContaining({ kind: 'write', label: 'write 1', command: `echo 1 > ${P}/force` }),
    ]);
  });

  it('a writable module parameter gets a form, a read-only one does not', () => {
    const rw = file('/sys/module/busy/parameters/block_transition', 'N', '-rw-r--r--');
    expect(actionsFor(rw)).toEqual([{ kind: 'param', path: rw.path, value: 'N' }]);
    expect(actionsFor(file('/sys/module/busy/parameters/ro', '1', '-r--r--r--'))).toEqual([]);
  });

  it('other files and directories: none', () => {
    expect(actionsFor(file(`${P}/transition`, '0'))).toEqual([]);
    expect(actionsFor(file('/sys/module/m/uevent', undefined, '--w-------'))).toEqual([]);
    expect(actionsFor(file(`${P}/vmlinux/patched`, '1'))).toEqual([]);
    expect(actionsFor(dirEntry(P))).toEqual([]);
    // "enabled" deeper down is not a patch's enabled file
    expect(actionsFor(file(`${P}/vmlinux/enabled`, '1', '-rw-r--r--'))).toEqual([]);
  });
});

describe('buildTree', () => {
  const cur: SysfsEntry[] = [dirEntry(LP, [patchSysfs('livepatch_sample')]), moduleSysfs('busy', '0', { block_transition: 'N' })];

  it('keeps the structure, modes and values', () => {
    const tree = buildTree(cur, null);
    expect(tree.map((n) => n.path)).toEqual([LP, '/sys/module/busy']);
    expect(node(tree, `${P}/enabled`)).toMatchObject({ mode: '-rw-r--r--', value: '1', readable: true, depth: 2 });
    expect(node(tree, `${P}/force`)).toMatchObject({ readable: false });
    expect(node(tree, `${P}/force`).value).toBeUndefined();
    expect(node(tree, `${P}/vmlinux/cmdline_proc_show,1`)).toMatchObject({ kind: 'dir', children: [] });
    expect(flatten(tree)).toHaveLength(flatten(buildTree(cur, cur)).length);
  });

  it('attaches the actions', () => {
    const tree = buildTree(cur, null);
    expect(node(tree, `${P}/enabled`).actions[0]).toMatchObject({ label: 'write 0' });
    expect(node(tree, '/sys/module/busy/parameters/block_transition').actions).toEqual([
      { kind: 'param', path: '/sys/module/busy/parameters/block_transition', value: 'N' },
    ]);
  });

  it('with no step before, or the same tree, nothing is marked', () => {
    expect(statuses(buildTree(cur, null))).toEqual({});
    expect(statuses(buildTree(cur, cur))).toEqual({});
    expect(buildTree(cur, cur).every((n) => n.changesBelow === 0)).toBe(true);
  });

  it('a changed value: the file, what it was, and a count on each directory above', () => {
    const before: SysfsEntry[] = [dirEntry(LP, [patchSysfs('livepatch_sample', '1', '1')]), cur[1]!];
    const tree = buildTree(cur, before);
    expect(statuses(tree)).toEqual({ [`${P}/transition`]: 'changed' });
    expect(node(tree, `${P}/transition`)).toMatchObject({ value: '0', was: '1' });
    expect(node(tree, P).changesBelow).toBe(1);
    expect(node(tree, LP).changesBelow).toBe(1);
    expect(node(tree, '/sys/module/busy').changesBelow).toBe(0);
  });

  it('a patch directory that appeared: it and everything below are added', () => {
    const before: SysfsEntry[] = [dirEntry(LP), cur[1]!];
    const tree = buildTree(cur, before);
    const s = statuses(tree);
    expect(s[P]).toBe('added');
    expect(s[`${P}/enabled`]).toBe('added');
    expect(s[`${P}/vmlinux/patched`]).toBe('added');
    expect(Object.values(s).every((x) => x === 'added')).toBe(true);
    expect(node(tree, LP)).toMatchObject({ status: 'same', changesBelow: Object.keys(s).length });
  });

  it('a patch directory that disappeared is kept, marked removed, without buttons', () => {
    const after: SysfsEntry[] = [dirEntry(LP), cur[1]!];
    const tree = buildTree(after, cur);
    expect(node(tree, LP).children.map((c) => c.path)).toEqual([P]);
    expect(node(tree, P).status).toBe('removed');
    expect(node(tree, `${P}/enabled`)).toMatchObject({ status: 'removed', value: '1', actions: [] });
    expect(node(tree, `${P}/force`).actions).toEqual([]);
  });

  it('a module that went away (top level) is marked removed, in its place', () => {
    const before: SysfsEntry[] = [dirEntry(LP), moduleSysfs('a'), moduleSysfs('b'), moduleSysfs('c')];
    const after: SysfsEntry[] = [dirEntry(LP), moduleSysfs('a'), moduleSysfs('c')];
    const tree = buildTree(after, before);
    expect(tree.map((n) => `${n.path}:${n.status}`)).toEqual([
      `${LP}:same`,
      '/sys/module/a:same',
      '/sys/module/b:removed',
      '/sys/module/c:same',
    ]);
  });

  it('a removed entry goes back after the sibling that preceded it', () => {
    const d = '/sys/x';
    const before = [dirEntry(d, [file(`${d}/a`, '1'), file(`${d}/b`, '1'), file(`${d}/c`, '1'), file(`${d}/d`, '1')])];
    const after = [dirEntry(d, [file(`${d}/a`, '1'), file(`${d}/d`, '1'), file(`${d}/e`, '1')])];
    const tree = buildTree(after, before);
    expect(tree[0]!.children.map((c) => `${c.name}:${c.status}`)).toEqual(['a:same', 'b:removed', 'c:removed', 'd:same', 'e:added']);
    expect(tree[0]!.changesBelow).toBe(3);
  });

  it('a removed first child goes first', () => {
    const d = '/sys/x';
    const tree = buildTree([dirEntry(d, [file(`${d}/b`)])], [dirEntry(d, [file(`${d}/a`), file(`${d}/b`)])]);
    expect(tree[0]!.children.map((c) => `${c.name}:${c.status}`)).toEqual(['a:removed', 'b:same']);
  });

  it('enabled going 1 → 0 while the transition reverses: changed, and the button flips', () => {
    const after: SysfsEntry[] = [dirEntry(LP, [patchSysfs('livepatch_sample', '0', '1')])];
    const before: SysfsEntry[] = [dirEntry(LP, [patchSysfs('livepatch_sample', '1', '1')])];
    const n = node(buildTree(after, before), `${P}/enabled`);
    expect(n).toMatchObject({ status: 'changed', value: '0', was: '1' });
    expect(n.actions[0]).toMatchObject({ label: 'write 1', command: `echo 1 > ${P}/enabled` });
  });

  it('a module parameter written: changed, and the form shows the new value', () => {
    const before = [moduleSysfs('busy', '0', { block_transition: 'N' })];
    const after = [moduleSysfs('busy', '0', { block_transition: 'Y' })];
    const n = node(buildTree(after, before), '/sys/module/busy/parameters/block_transition');
    expect(n).toMatchObject({ status: 'changed', was: 'N', value: 'Y' });
    expect(n.actions).toEqual([{ kind: 'param', path: n.path, value: 'Y' }]);
  });
});

describe('focus', () => {
  it('names what a path shows: a file, a kobject under /sys/kernel/livepatch, a patch, a module', () => {
    expect(pathActors(`${P}/enabled`)).toEqual([
      ['file', `${P}/enabled`],
      ['kobject', 'livepatch_sample/enabled'],
    ]);
    expect(pathActors(P)).toEqual([
      ['file', P],
      ['kobject', 'livepatch_sample'],
      ['patch', 'livepatch_sample'],
    ]);
    expect(pathActors('/sys/module/livepatch_sample')).toEqual([
      ['file', '/sys/module/livepatch_sample'],
      ['module', 'livepatch_sample'],
    ]);
    expect(pathFocus(`${P}/vmlinux`, [{ kobject: 'livepatch_sample/vmlinux' }])).toBe('kobject:livepatch_sample/vmlinux');
    expect(pathFocus(`${P}/enabled`, [{ patch: 'livepatch_sample' }])).toBeUndefined();
  });

  it('keeps the directories above a focused line open, and only those', () => {
    const tree = buildTree([dirEntry(LP, [patchSysfs('livepatch_sample')]), moduleSysfs('livepatch_sample')], null);
    expect([...focusAncestors(tree, [{ file: `${P}/enabled` }])].sort()).toEqual([LP, P]);
    expect([...focusAncestors(tree, [{ module: 'livepatch_sample' }])]).toEqual([]);
    expect([...focusAncestors(tree, [])]).toEqual([]);
  });
});
