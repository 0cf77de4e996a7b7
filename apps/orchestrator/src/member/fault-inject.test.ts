import { describe, expect, it } from 'vitest';
import { faultsFor, parseFaultRules } from './fault-inject.ts';

describe('LDINV_FAULT_INJECT rules', () => {
  it('parse kinds, targets and attempt bounds', () => {
    expect(parseFaultRules('crash:member=3:attempts=1, delay:ms=200')).toEqual([
      { kind: 'crash', member: 3, attempts: 1 },
      { kind: 'delay', ms: 200 },
    ]);
    expect(parseFaultRules(undefined)).toEqual([]);
    expect(parseFaultRules('  ')).toEqual([]);
  });

  it('hit only the named member, and only on early attempts when bounded', () => {
    const rules = parseFaultRules('crash:member=3:attempts=2,throw:member=5');
    expect(faultsFor(rules, [2, 3], 0).map((r) => r.kind)).toEqual(['crash']);
    expect(faultsFor(rules, [3], 1).map((r) => r.kind)).toEqual(['crash']);
    expect(faultsFor(rules, [3], 2)).toEqual([]);
    expect(faultsFor(rules, [5], 7).map((r) => r.kind)).toEqual(['throw']);
    expect(faultsFor(rules, [0, 1], 0)).toEqual([]);
  });

  it('reject malformed rules in one line', () => {
    expect(() => parseFaultRules('explode')).toThrow("LDINV_FAULT_INJECT: rule 'explode' must start with crash, throw or delay");
    expect(() => parseFaultRules('crash:member=-1')).toThrow("LDINV_FAULT_INJECT: field 'member=-1' in 'crash:member=-1' must be member=, attempts= or ms= with an integer >= 0");
    expect(() => parseFaultRules('delay')).toThrow("LDINV_FAULT_INJECT: rule 'delay' needs ms=");
  });
});
