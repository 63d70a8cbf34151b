// What /proc says about a process (Linux only): its memory and whether it is
// busy. Elsewhere every function answers undefined / gives up quietly.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** memory returns {peakMB, rssMB} from /proc/<pid>/status (VmHWM, VmRSS), or {} when unreadable. */
export function memory(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return {};
  }
  const kb = (key) => {
    const m = status.match(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm'));
    return m ? Number(m[1]) / 1024 : undefined;
  };
  return { peakMB: kb('VmHWM'), rssMB: kb('VmRSS') };
}

/** cpuTicks returns the user+system clock ticks the process has used, or undefined. */
export function cpuTicks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // fields 14 (utime) and 15 (stime)
  } catch {
    return undefined;
  }
}

/**
 * waitIdle resolves once the process has used at most one clock tick (10 ms)
 * of CPU over quietMs: the background work an open or an edit started (the
 * full check after the quick pass) is over, and the next measurement does not
 * compete with it. Returns the time waited, or -1 after timeoutMs.
 */
export async function waitIdle(pid, { quietMs = 200, pollMs = 25, timeoutMs = 120_000 } = {}) {
  const start = performance.now();
  let ticks = cpuTicks(pid);
  if (ticks === undefined) {
    await sleep(quietMs * 2); // no /proc: a fixed pause instead
    return performance.now() - start;
  }
  let since = performance.now();
  let base = ticks;
  for (;;) {
    await sleep(pollMs);
    const now = performance.now();
    ticks = cpuTicks(pid);
    if (ticks === undefined) return now - start;
    if (ticks - base > 1) {
      base = ticks;
      since = now;
    } else if (now - since >= quietMs) {
      return now - start;
    }
    if (now - start > timeoutMs) return -1;
  }
}

/** loadavg returns the 1, 5 and 15 minute load averages, or undefined. */
export function loadavg() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return undefined;
  }
}
