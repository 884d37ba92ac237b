/**
 * What the kernel did in a step, in a sentence that names the kernel
 * function doing the work. Built from the step's input, the event that ran
 * and the lines it printed.
 */
import type { StepRecord } from '../session/situation';
// The two groups by their own files, not the catalogue's index: captions are first-paint code, the
// whole catalogue is not (it loads with the engine).
import { LIVEPATCH_CORE as CORE } from '../kernel/words/kernel/livepatch/core';
import { LIVEPATCH_TRANSITION as TRANSITION } from '../kernel/words/kernel/livepatch/transition';
import type { Word } from '../kernel/words/word';
import { showBidi } from '../views/untrusted';

export interface Caption {
  /** the kernel function at the heart of the step */
  fn: string;
  text: string;
}

/** The step printed this catalogue entry (with these arguments, when given). */
const said = (r: StepRecord, w: Word, args: Record<string, string> = {}) =>
  r.log.some((l) => l.msg === w.id && Object.entries(args).every(([k, v]) => l.args?.[k] === v));

/** Bash's job control lines on stderr (`[1] 46`, `[1]+  Done …`): news of jobs, not a failure of the command. */
const JOB_LINE = /^\[\d+\][-+ ] ?(\d+$| )/;

/** `oldApi`: the kernel shown is of 4.12–5.0 (register + enable; a disabled patch stays registered). */
function commandCaption(r: StepRecord, line: string, oldApi: boolean): Caption {
  const failed = r.term.find((t) => t.kind === 'err' && !JOB_LINE.test(t.text))?.text;
  const words = line.trim().split(/\s+/);
  const cmd = words[0] ?? '';
  if (cmd === 'insmod' || cmd === 'modprobe') {
    if (said(r, CORE.enablingPatch)) {
      const started = said(r, TRANSITION.starting, { state: 'patching' });
      const done = said(r, TRANSITION.complete, { state: 'patching' }) && !said(r, TRANSITION.complete, { state: 'unpatching' });
      return {
        fn: 'klp_enable_patch',
        text: failed
          ? `load_module() runs the livepatch module's init, which calls klp_enable_patch(); it failed and undid everything (klp_cancel_transition(), then the free path), so the load fails: ${failed}`
          : `load_module() runs the livepatch module's init, which calls ${
              oldApi
                ? 'klp_register_patch() (sysfs directory, onto klp_patches) then klp_enable_patch()'
                : 'klp_enable_patch(): checks, sysfs directory'
            }, ftrace handlers, pre_patch callbacks, then klp_start_transition() sets TIF_PATCH_PENDING on every task.${
              done ? ' Every task could switch at once: the transition completed.' : started ? ' The first klp_try_complete_transition() left tasks pending: it retries in about a second.' : ''
            }`,
      };
    }
    if (said(r, CORE.applyingToLoading))
      return {
        fn: 'klp_module_coming',
        text: `load_module(): while the module is COMING, klp_module_coming() applies each patch that has an object for it, before its init runs.${failed ? ` A pre_patch callback failed, so the load is refused: ${failed}` : ''}`,
      };
    if (said(r, CORE.incompatible))
      return { fn: 'klp_is_patch_compatible', text: `klp_enable_patch() refused it before creating anything: klp_is_patch_compatible() found a klp_state it cannot handle. ${failed ?? ''}`.trim() };
    // No such module in this kernel's tree (a link's commands replayed at another release, say): no system call ran.
    if (failed && /No such file|not found in directory/.test(failed))
      return {
        fn: '',
        text: `No such module in this kernel's tree: ${failed}.${oldApi ? ' test_modules came with 5.1; before, the tree has samples/livepatch/*.ko.' : ''}`,
      };
    return { fn: 'load_module', text: failed ? `The load failed: ${failed}` : 'load_module() forms the module, runs its init and makes it LIVE.' };
  }
  if (cmd === 'rmmod') {
    if (failed?.includes('in use'))
      return oldApi
        ? { fn: 'klp_complete_transition', text: `${failed}: an enabled patch holds its module's reference until its unpatching completes (for good once forced).` }
        : { fn: 'module_put', text: `${failed}: its refcount is not 0. A livepatch module's reference is dropped only by module_put() in klp_free_patch_finish(), once its patch is disabled and freed (never, if it was forced).` };
    if (said(r, CORE.revertingOnUnload))
      return { fn: 'klp_module_going', text: 'delete_module(): the module\'s exit runs, then klp_module_going() reverts every patch applied to it.' };
    if (failed) return { fn: 'delete_module', text: failed };
    // rmmod -f: kmod skips its in-use check and asks delete_module() to force (CONFIG_MODULE_FORCE_UNLOAD)
    return words.some((w) => /^-\w*f/.test(w))
      ? { fn: 'delete_module', text: 'delete_module() with O_TRUNC forced it out, in use or not (taint R): a patch still pointing into it faults.' }
      : { fn: 'delete_module', text: 'delete_module(): the module had no references; its exit ran and it is gone.' };
  }
  const m = /^echo\s+(\S+)\s*>\s*\/sys\/kernel\/livepatch\/([^/]+)\/(enabled|force)$/.exec(line.trim());
  if (m) {
    const [, value, patch, file] = m;
    // a file that is not there: the shell's open failed, no store ran
    if (failed?.includes('No such file or directory')) return { fn: '', text: `No such file: ${failed}` };
    if (failed) return { fn: `${file}_store`, text: `The write was refused: ${failed}` };
    if (file === 'force') return { fn: 'klp_force_transition', text: `force_store() → klp_force_transition(): every pending task is switched as it is, running or not. The next retry completes the transition; the patches it removes are marked forced and keep their module forever.` };
    if (said(r, TRANSITION.reversing))
      return { fn: 'klp_reverse_transition', text: `enabled_store(): '${patch}' is in transition, so klp_reverse_transition() turns it around: no pre callbacks, tasks that already switched must switch back.` };
    if (value === '0')
      return {
        fn: '__klp_disable_patch',
        text: oldApi
          ? `enabled_store() → __klp_disable_patch(): unpatching starts. When every task is back, module_put() drops the reference; the patch stays registered, its directory too.`
          : `enabled_store() → __klp_disable_patch(): klp_init_transition() towards the unpatched state, pre_unpatch callbacks, klp_start_transition(). When every task is back, the patch is freed from a workqueue, not from this write.`,
      };
    if (value === '1' && oldApi)
      return { fn: '__klp_enable_patch', text: `enabled_store() → __klp_enable_patch(): the registered patch is enabled again (refused since 5.1).` };
  }
  // `sleep N &` returns at once: the time passes only as later steps let it (hrtimer_nanosleep in the job).
  if (cmd === 'sleep' && /&\s*$/.test(line)) return { fn: 'hrtimer_nanosleep', text: `sleep runs in the background, asleep in hrtimer_nanosleep(); the prompt returns at once, and no virtual time passes for it until later steps let it.` };
  if (cmd === 'sleep') return { fn: 'klp_transition_work_fn', text: `${words[1] ?? ''} virtual seconds pass, with every retry and fake signal they bring.` };
  // A job (`cmd &`): what follows a sleep of it runs in later steps, when the sleep ends.
  if (/&\s*$/.test(line) && r.term.some((t) => t.kind === 'err' && /^\[\d+\] \d+$/.test(t.text)))
    return { fn: 'kernel_clone', text: `bash forks the job (kernel_clone()) and the prompt returns at once; when a sleep of the job ends, what follows it runs, as later steps let the time pass.` };
  return { fn: '', text: failed ? failed : `The shell runs \`${line}\`.` };
}

function eventCaption(r: StepRecord, label: string): Caption {
  if (label === 'klp_transition_work_fn') {
    if (said(r, TRANSITION.complete))
      return { fn: 'klp_complete_transition', text: 'klp_transition_work_fn() → klp_try_complete_transition(): every task reached the target; klp_complete_transition() runs the post callbacks.' };
    if (said(r, TRANSITION.signaling))
      return { fn: 'klp_send_signals', text: 'The 15th retry: klp_send_signals() sends a fake signal to pending user tasks and wakes pending kthreads that sleep interruptibly.' };
    return { fn: 'klp_try_complete_transition', text: 'klp_transition_work_fn() → klp_try_complete_transition(): stack checks for every pending task; some still cannot switch, so it retries in a second.' };
  }
  let m = /^klp_free_patch_work_fn: (.+)$/.exec(label);
  if (m) return { fn: 'klp_free_patch_finish', text: `free_work → klp_free_patch_finish(): kobject_put() removes /sys/kernel/livepatch/${m[1]}, the release completes patch->finish, then module_put() — unless the patch was forced.` };
  m = /^exit_to_user_mode: (.+)$/.exec(label);
  if (m) return { fn: 'klp_update_patch_state', text: `${m[1]} returns to user space: exit_to_user_mode_loop() calls klp_update_patch_state(), which switches a pending task to the target universe.` };
  m = /^do_idle: (.+)$/.exec(label);
  if (m) return { fn: 'klp_update_patch_state', text: `wake_up_if_idle() kicked ${m[1]}: do_idle() goes round the loop and klp_update_patch_state() switches the idle task.` };
  m = /^wake_up_state: (.+)$/.exec(label);
  if (m) return { fn: 'klp_send_signals', text: `klp_send_signals() woke the kthread ${m[1]}: it runs its loop and sleeps again, in whatever code it now calls.` };
  return { fn: label.split(':')[0] ?? label, text: `${label}` };
}

/** The step's caption; what it quotes of typed text cannot reorder it (bidi controls are named). */
export function caption(r: StepRecord | undefined, oldApi = false): Caption {
  const c = rawCaption(r, oldApi);
  return { fn: c.fn, text: showBidi(c.text) };
}

function rawCaption(r: StepRecord | undefined, oldApi: boolean): Caption {
  if (!r) return { fn: '', text: 'The machine has booted. Type a command, or press a button: each one is the command a kernel user would type.' };
  switch (r.input.kind) {
    case 'command':
      return commandCaption(r, r.input.line, oldApi);
    case 'event':
      return r.event ? eventCaption(r, r.event) : { fn: '', text: 'Nothing left to run.' };
    case 'settle':
      return { fn: 'klp_try_complete_transition', text: 'The kernel runs what is ready and lets time pass while that makes progress: retries that switch tasks, work on the workqueue.' };
    case 'advance':
      return { fn: 'klp_transition_work_fn', text: `Simulation: ${r.input.seconds} virtual seconds pass, with every retry and fake signal they bring.` };
    case 'wake':
      return { fn: 'klp_update_patch_state', text: 'Simulation: the task\'s wait ends and it returns to user space; klp_update_patch_state() switches it on the way.' };
    case 'interrupt':
      return {
        fn: 'signal_wake_up',
        text: 'Ctrl-C: the terminal sends SIGINT to its foreground process. signal_wake_up() wakes a task only from an interruptible sleep: one in D state keeps the signal pending and sleeps on.',
      };
  }
}
