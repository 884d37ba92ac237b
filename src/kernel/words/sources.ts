/** The groups, one per kernel source file; adding a file is adding its line here. */
export { INIT_MAIN } from './init/main';
export { X86_DUMPSTACK } from './arch/x86/kernel/dumpstack';
export { X86_SETUP } from './arch/x86/kernel/setup';
export { X86_FAULT } from './arch/x86/mm/fault';
export { EXIT } from './kernel/exit';
export { HUNG_TASK } from './kernel/hung_task';
export { KPROBES } from './kernel/kprobes';
export { LIVEPATCH_CORE } from './kernel/livepatch/core';
export { LIVEPATCH_PATCH } from './kernel/livepatch/patch';
export { LIVEPATCH_SHADOW } from './kernel/livepatch/shadow';
export { LIVEPATCH_TRANSITION } from './kernel/livepatch/transition';
export { MODULE_MAIN } from './kernel/module/main';
export { PANIC } from './kernel/panic';
export { PARAMS } from './kernel/params';
export { SCHED_CORE } from './kernel/sched/core';
export { SMP } from './kernel/smp';
export { DUMP_STACK } from './lib/dump_stack';
