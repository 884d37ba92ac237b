/** Simulation delays that both the scheduler's events and the livepatch core use. */

/** How long a woken worker or task takes to get going: small, but ordered. */
export const WAKE_LATENCY = 50;
