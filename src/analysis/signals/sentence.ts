import type { EndpointId, PopulationId } from '../plan.ts';
import type { SignalEvidence, SignalRule } from './types.ts';
import { ARM_LABEL, ENDPOINT_IN_SENTENCE, POPULATION_IN_SENTENCE } from '../../reports/vocabulary.ts';

// One vocabulary: the report's labels (src/reports/vocabulary.ts), in their sentence forms.
const POPULATION: Readonly<Record<PopulationId, string>> = POPULATION_IN_SENTENCE;
const ENDPOINT: Readonly<Record<EndpointId, string>> = ENDPOINT_IN_SENTENCE;
const CONTROL = `patients with ${ARM_LABEL.ptr}`;
/** What an event of the endpoint is, for "a lower hazard of ...". */
const HAZARD_OF: Readonly<Record<EndpointId, string>> = {
  os: 'death', pfs: 'progression or death', lrr: 'locoregional recurrence', dp: 'distant progression',
};

const f2 = (x: number) => x.toFixed(2);
/** The repeated CI's simultaneous level, e.g. 0.05/6 -> "99.2%". */
const level = (alpha: number | null) => (alpha === null ? '' : `${(100 * (1 - alpha)).toFixed(1).replace(/\.0$/, '')}% `);

export const estimandTitle = (population: PopulationId, endpoint: EndpointId) => `PORT and ${ENDPOINT[endpoint]} in ${POPULATION[population]}`;

export interface SignalWords {
  /** The finding: estimand, direction, estimate with its repeated CI. */
  readonly finding: string;
  /** What it means under the monitoring plan. */
  readonly meaning: string;
  /** What the investigator is asked to do. */
  readonly ask: string;
  /** Look and cutoff. */
  readonly when: string;
}

/** The finding in a sentence: "In group 1 (...), PORT patients had a lower hazard of progression or death than patients with PTR alone: HR 0.55, repeated 99.2% CI 0.40-0.76." */
export function findingSentence(population: PopulationId, endpoint: EndpointId, e: SignalEvidence): string {
  const where = `In ${POPULATION[population]}`;
  if (e.hr === null) return `${where}, the effect of PORT on ${ENDPOINT[endpoint]} could not be estimated at this look.`;
  const repeated = e.repeatedLower !== null && e.repeatedUpper !== null;
  const [lo, hi] = repeated ? [e.repeatedLower, e.repeatedUpper] : [e.lower, e.upper];
  const ci = lo === null || hi === null ? 'no confidence interval'
    : repeated ? `repeated ${level(e.alpha)}CI ${f2(lo)}-${f2(hi)}` : `95% CI ${f2(lo)}-${f2(hi)} (not adjusted for repeated looks: no alpha spent yet)`;
  // A direction is stated only when the interval excludes 1; otherwise the data do not tell the arms apart.
  const clear = lo !== null && hi !== null && (hi < 1 || lo > 1);
  if (!clear) return `${where}, the hazard of ${HAZARD_OF[endpoint]} did not differ clearly between PORT patients and ${CONTROL}: HR ${f2(e.hr)}, ${ci}.`;
  return `${where}, PORT patients had ${e.hr < 1 ? 'a lower' : 'a higher'} hazard of ${HAZARD_OF[endpoint]} than ${CONTROL}: HR ${f2(e.hr)}, ${ci}.`;
}

function meaningOf(rule: SignalRule, e: SignalEvidence): string {
  switch (rule) {
    case 'boundary':
      return `Under the monitoring plan this crosses the sequential boundary (|z| ${e.z === null ? 'n/a' : f2(Math.abs(e.z))} reached ${e.boundaryZ === null ? 'n/a' : f2(e.boundaryZ)}): the evidence is conclusive with the repeated looks accounted for, and later looks of this estimand are descriptive.`;
    case 'departure':
      return e.excludesPaper === false
        ? `The repeated CI includes the published HR (${e.paperHr ?? 'n/a'}, Kim et al. 2022) again: the earlier departure from the published result is no longer supported.`
        : `The repeated CI no longer includes the published HR (${e.paperHr ?? 'n/a'}, Kim et al. 2022): the registry's effect differs from the published one, with the repeated looks accounted for.`;
    case 'drift':
      return 'The estimate moved more since the previous look than chance would explain (drift rule); a change in case mix, coding or follow-up may explain it.';
    case 'state':
      return `The monitoring state of this estimand changed: ${e.summary}`;
  }
}

function askOf(rule: SignalRule): string {
  switch (rule) {
    case 'boundary':
      return 'Please review the evidence with the study statistician and record a decision (cohortwatch signals close ID --by EMAIL --decision TEXT).';
    case 'departure':
    case 'drift':
      return 'Please check whether a data problem or a change in the cohort explains it, then acknowledge the signal or close it with a decision.';
    case 'state':
      return 'Please acknowledge that you have read it (cohortwatch signals ack ID --by EMAIL --comment TEXT).';
  }
}

/** A signal in the words of the digest: what was found, what it means, what to do, when. */
export function signalWords(population: PopulationId, endpoint: EndpointId, rule: SignalRule, e: SignalEvidence): SignalWords {
  return {
    finding: findingSentence(population, endpoint, e),
    meaning: meaningOf(rule, e),
    ask: askOf(rule),
    when: `Look ${e.look}, data cutoff ${e.cutoff}, plan ${e.planVersion}.`,
  };
}
