// Fault injection for tests of the pool's reliability (README "Fault injection"). Read from the
// environment variable LDINV_FAULT_INJECT by every worker, so it reaches threads and device processes.
//
//   LDINV_FAULT_INJECT="crash:member=3"            the worker thread running member 3 dies, every attempt
//   LDINV_FAULT_INJECT="crash:member=3:attempts=1" ... only on its first attempt (a retry succeeds)
//   LDINV_FAULT_INJECT="throw:member=2"            the task holding member 2 throws an error
//   LDINV_FAULT_INJECT="delay:ms=300"              every task sleeps 300 ms first (slow members for
//                                                  kill / Ctrl-C tests)
// Rules are separated by commas; `member` absent = every task.

export const FAULT_ENV = 'LDINV_FAULT_INJECT';

export interface FaultRule {
  kind: 'crash' | 'throw' | 'delay';
  /** Member whose task is hit; undefined = every task. */
  member?: number;
  /** Fault only on attempts < this (0-based attempt numbers); undefined = on every attempt. */
  attempts?: number;
  /** delay: milliseconds. */
  ms?: number;
}

export function parseFaultRules(text: string | undefined): FaultRule[] {
  if (!text || text.trim() === '') return [];
  return text.split(',').map((part) => {
    const [kind, ...fields] = part.trim().split(':');
    if (kind !== 'crash' && kind !== 'throw' && kind !== 'delay') {
      throw new Error(`${FAULT_ENV}: rule '${part}' must start with crash, throw or delay`);
    }
    const rule: FaultRule = { kind };
    for (const f of fields) {
      const [key, value] = f.split('=');
      const n = Number(value);
      if (!['member', 'attempts', 'ms'].includes(key) || !Number.isInteger(n) || n < 0) {
        throw new Error(`${FAULT_ENV}: field '${f}' in '${part}' must be member=, attempts= or ms= with an integer >= 0`);
      }
      rule[key as 'member' | 'attempts' | 'ms'] = n;
    }
    if (kind === 'delay' && rule.ms === undefined) throw new Error(`${FAULT_ENV}: rule '${part}' needs ms=`);
    return rule;
  });
}

/** The rules that hit a task with these members on this attempt. */
export function faultsFor(rules: FaultRule[], members: number[], attempt: number): FaultRule[] {
  return rules.filter(
    (r) => (r.member === undefined || members.includes(r.member)) && (r.attempts === undefined || attempt < r.attempts),
  );
}
