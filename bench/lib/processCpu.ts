/**
 * CPU time a process has used so far, read from /proc (Linux): user plus system time of all its
 * threads, worker threads included. Other machines answer undefined and the caller reports no share.
 */
import { readFile } from "node:fs/promises";

/** Linux reports /proc times in clock ticks; USER_HZ is 100 on every architecture Node runs on. */
const ticksPerSecond = 100;

export async function processCpuMs(pid: number): Promise<number | undefined> {
  return cpuMsFromStat(`/proc/${pid}/stat`);
}

/**
 * CPU time of a process's main thread alone (its JavaScript event loop, with V8's work on it): the
 * thread that bounds the process's rate when the rest of its work is on other threads.
 */
export async function mainThreadCpuMs(pid: number): Promise<number | undefined> {
  return cpuMsFromStat(`/proc/${pid}/task/${pid}/stat`);
}

async function cpuMsFromStat(path: string): Promise<number | undefined> {
  try {
    const stat = await readFile(path, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 (utime) and 15 (stime) of proc(5), here at 11 and 12 from field 3.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / ticksPerSecond : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How much of the cores available to a process it left unused over a span: 1 - CPU time / (wall
 * time x cores). 0 means it kept every core busy the whole time; a single-threaded process can at
 * best reach 1 - 1/cores.
 */
export function idleShare(cpuMs: number, wallMs: number, cores: number): number {
  return Math.max(0, 1 - cpuMs / (wallMs * cores));
}
