import { describe, expect, it } from 'vitest';
import { groupOf, tnbcOf } from '../../src/timeline/index.ts';

const receptors = (er: boolean | null, pr: boolean | null, her2: boolean | null) => ({ er, pr, her2 });

describe('tnbcOf', () => {
  it('TNBC when ER, PR and HER2 are all false', () => {
    expect(tnbcOf(receptors(false, false, false))).toBe(true);
  });

  it('non-TNBC when any of them is true, even if the others are unknown', () => {
    expect(tnbcOf(receptors(true, false, false))).toBe(false);
    expect(tnbcOf(receptors(false, false, true))).toBe(false);
    expect(tnbcOf(receptors(null, true, null))).toBe(false);
  });

  it('unknown when none is true and one is unknown', () => {
    expect(tnbcOf(receptors(false, null, false))).toBeNull();
    expect(tnbcOf(receptors(null, null, null))).toBeNull();
  });
});

describe('groupOf', () => {
  it.each([
    ['T1', receptors(true, true, false), 'group1'],
    ['T2', receptors(false, false, true), 'group1'],
    ['T3', receptors(true, null, null), 'group2'],
    ['T4', receptors(false, true, false), 'group2'],
    ['T1', receptors(false, false, false), 'group3'],
    ['T4', receptors(false, false, false), 'group3'],
    [null, receptors(false, false, false), 'group3'],
    [null, receptors(true, false, false), 'unclassified'],
    ['T2', receptors(false, null, false), 'unclassified'],
  ] as const)('%s with %j is %s', (tCategory, status, group) => {
    expect(groupOf({ tCategory, ...status })).toBe(group);
  });
});
