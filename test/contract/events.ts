// Valid events of every type, for tests to alter one field at a time.
import type { Baseline } from '../../src/contract/index.ts';

export const baseline: Baseline = {
  ageAtPtr: 52, tCategory: 'T2', nCategory: 'N1', er: true, pr: false, her2: false, metastasisCount: 2,
  metastaticBurden: 'oligo', boneOnly: true, ptrType: 'mastectomy', axillarySurgery: 'alnd', chemotherapy: 'postop',
  hormonalTherapy: true, antiHer2: false, allMetastasesTreated: null, port: true, portStartedOn: '2020-02-20',
};

const common = { patientId: 'KR-0001', reportedAt: '2020-03-01T09:30:00+01:00', centre: 'KR01' };

export const validEvents = {
  registration: { ...common, eventId: 'reg-1', type: 'registration', occurredOn: '2020-01-15', baseline },
  lrr: { ...common, eventId: 'lrr-1', type: 'lrr', occurredOn: '2020-02-01', sites: ['axilla', 'supraclavicular'], inField: false },
  dp: { ...common, eventId: 'dp-1', type: 'dp', occurredOn: '2020-02-01', sites: ['bone', 'liver'] },
  progression: { ...common, eventId: 'pr-1', type: 'progression', occurredOn: '2020-02-01' },
  death: { ...common, eventId: 'de-1', type: 'death', occurredOn: '2020-02-01', cause: 'breast_cancer' },
  last_contact: { ...common, eventId: 'lc-1', type: 'last_contact', occurredOn: '2020-02-01' },
  retraction: { ...common, eventId: 'rt-1', type: 'retraction', occurredOn: '2020-03-01', retracts: 'lrr-1', reason: 'entered for the wrong patient' },
} as const;

/** A copy of `event` with `changes` applied; a change to `undefined` removes the field. */
export function withFields(event: object, changes: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(event as Record<string, unknown>) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}

export function withBaseline(changes: Record<string, unknown>): Record<string, unknown> {
  return withFields(validEvents.registration, { baseline: withFields(baseline, changes) });
}
