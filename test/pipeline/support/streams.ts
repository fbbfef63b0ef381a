// Event streams for the pipeline tests: the calibrated simulator (seeded) plus hand-made events that
// exercise out-of-order arrival, corrections, retractions and conflicts.
import { simulateEvents } from '../../../src/sim/index.ts';
import { mulberry32 } from '../../support/mulberry32.ts';

export type RawEvent = Record<string, unknown> & { eventId: string; patientId: string; type: string };

export function simulatedStream(seed: number, patients: number): RawEvent[] {
  return [...simulateEvents({ seed, patients })].map((event) => ({ ...event }));
}

/** Deterministic Fisher-Yates shuffle (mulberry32). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

const baseline = {
  ageAtPtr: 52, tCategory: 'T2', nCategory: 'N1', er: true, pr: false, her2: false, metastasisCount: 1,
  metastaticBurden: 'single', boneOnly: true, ptrType: 'mastectomy', axillarySurgery: 'alnd', chemotherapy: 'postop',
  hormonalTherapy: true, antiHer2: false, allMetastasesTreated: true, port: true, portStartedOn: '2015-01-12',
};

/**
 * One patient whose story only makes sense once every event is in: a distant progression reported
 * before the registration, a correction of the baseline, an lrr retracted by a retraction that is
 * delivered first in reverse order, and a death.
 */
export function trickyPatient(patientId = 'tricky-1'): RawEvent[] {
  return [
    { eventId: `${patientId}-reg`, patientId, type: 'registration', occurredOn: '2015-01-10', reportedAt: '2015-01-20T09:00:00+01:00', centre: 'C01', baseline },
    { eventId: `${patientId}-reg2`, patientId, type: 'registration', occurredOn: '2015-01-10', reportedAt: '2015-02-01T09:00:00Z', centre: 'C01', baseline: { ...baseline, tCategory: 'T3' } },
    { eventId: `${patientId}-lrr`, patientId, type: 'lrr', occurredOn: '2016-05-01', reportedAt: '2016-05-10T10:00:00Z', sites: ['axilla'], inField: false },
    { eventId: `${patientId}-retract`, patientId, type: 'retraction', occurredOn: '2016-06-01', reportedAt: '2016-06-01T10:00:00Z', retracts: `${patientId}-lrr`, reason: 'entered for the wrong patient' },
    { eventId: `${patientId}-dp`, patientId, type: 'dp', occurredOn: '2017-02-03', reportedAt: '2017-02-10T10:00:00-05:00', sites: ['bone'] },
    { eventId: `${patientId}-death`, patientId, type: 'death', occurredOn: '2018-07-07', reportedAt: '2018-07-09T10:00:00Z', cause: 'breast_cancer' },
    { eventId: `${patientId}-late`, patientId, type: 'last_contact', occurredOn: '2018-09-01', reportedAt: '2018-09-02T10:00:00Z' },
  ];
}
