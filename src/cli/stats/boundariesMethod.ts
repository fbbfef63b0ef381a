import type { Command } from 'commander';
import { groupSequentialDesign } from '../../stats/sequential/index.ts';
import { choice, finiteNumber, numberList } from './argumentParsing.ts';
import { runMethod } from './runMethod.ts';
import { StatsUsageError } from './statsUsageError.ts';

interface BoundariesFlags {
  rates: string;
  alpha: string;
  sides: string;
  type: string;
}

/** `cohortwatch stats boundaries`: Lan-DeMets alpha-spending boundaries (as rpact's asOF / asP). */
export function boundariesReport(flags: BoundariesFlags): unknown {
  const informationRates = numberList('--rates', flags.rates);
  if (informationRates.some((rate, k) => !(rate > 0 && rate <= 1) || (k > 0 && !(rate > informationRates[k - 1])))) {
    throw new StatsUsageError(`--rates "${flags.rates}" must be information fractions in (0, 1], strictly increasing`);
  }
  const alpha = finiteNumber('--alpha', flags.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new StatsUsageError(`--alpha "${flags.alpha}" must lie strictly between 0 and 1`);
  const sides = choice('--sides', flags.sides, ['1', '2']) === '1' ? 1 : 2;
  const type = choice('--type', flags.type, ['obf', 'pocock']);
  const design = groupSequentialDesign({ informationRates, alpha, sides, type });
  return {
    type,
    alpha,
    sides,
    looks: design.looks.map((look) => ({ informationRate: look.informationRate, critical: look.critical, cumulativeAlpha: look.cumulativeAlpha })),
  };
}

export function registerBoundaries(stats: Command): void {
  stats
    .command('boundaries')
    .description('group-sequential boundaries by Lan-DeMets alpha spending (O\'Brien-Fleming or Pocock type)')
    .requiredOption('--rates <t1,t2>', 'information rates of the looks, e.g. 0.25,0.5,0.75,1')
    .option('--alpha <alpha>', 'overall type-I error', '0.05')
    .option('--sides <1|2>', 'one- or two-sided', '2')
    .option('--type <type>', 'obf | pocock', 'obf')
    .action(runMethod('boundaries', boundariesReport));
}
