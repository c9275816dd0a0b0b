import fs from 'node:fs';

// Linux reports utime and stime in clock ticks; 100 per second on every mainstream kernel config.
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds a process (all its threads) has used so far, from /proc; undefined where
 * /proc is missing. Why it matters: on a shared machine, req/s moves with the neighbours'
 * load, while CPU time per request mostly does not.
 */
export function processCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the parenthesised command name, which may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}
