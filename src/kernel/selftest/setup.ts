/**
 * What the livepatch selftests do before their first test (setup_config in
 * functions.sh): dynamic debug on for the livepatch core except the per-task
 * switch messages, and kernel.ftrace_enabled=1.
 */
export const SELFTEST_SETUP = [
  "echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control",
  "echo 'func klp_try_switch_task -p' > /sys/kernel/debug/dynamic_debug/control",
  'set_ftrace_enabled 1',
] as const;

/**
 * check_result's filter: lines with "livepatch:" or "test_klp", without the
 * module loader's taint notices.
 */
export function selftestFilter(text: string): boolean {
  return (text.includes('livepatch:') || text.includes('test_klp')) && !/(tainting|taints) kernel/.test(text);
}
