// Stored events for timeline tests, built through the real validator so every test event is valid.
import { toStoredEvent, validateEvent } from '../../src/contract/index.ts';
import type { Baseline, StoredEvent } from '../../src/contract/index.ts';

export const PATIENT = 'P-001';

export const baseline: Baseline = {
  ageAtPtr: 48, tCategory: 'T2', nCategory: 'N1', er: true, pr: true, her2: false, metastasisCount: 1,
  metastaticBurden: 'single', boneOnly: true, ptrType: 'bcs', axillarySurgery: 'slnb', chemotherapy: 'postop',
  hormonalTherapy: true, antiHer2: false, allMetastasesTreated: true, port: false, portStartedOn: null,
};

export function stored(raw: Record<string, unknown>): StoredEvent {
  const result = validateEvent({ patientId: PATIENT, ...raw });
  if (!result.ok) throw new Error(`test event is invalid: ${result.reason}`);
  return toStoredEvent(result.event);
}

/** reportedAt defaults to noon UTC on the day the event occurred. */
const reported = (on: string, at?: string) => at ?? `${on}T12:00:00Z`;

export function registration(eventId: string, ptrDate: string, at?: string, changes: Partial<Baseline> = {}): StoredEvent {
  return stored({ eventId, type: 'registration', occurredOn: ptrDate, reportedAt: reported(ptrDate, at), baseline: { ...baseline, ...changes } });
}

type ClinicalType = 'lrr' | 'dp' | 'progression' | 'death' | 'last_contact';
const payload: Record<ClinicalType, Record<string, unknown>> = {
  lrr: { sites: ['axilla'], inField: null },
  dp: { sites: ['bone'] },
  progression: {},
  death: { cause: 'breast_cancer' },
  last_contact: {},
};

export function clinical(type: ClinicalType, eventId: string, on: string, at?: string): StoredEvent {
  return stored({ eventId, type, occurredOn: on, reportedAt: reported(on, at), ...payload[type] });
}

export function retraction(eventId: string, retracts: string, at: string): StoredEvent {
  return stored({ eventId, type: 'retraction', occurredOn: at.slice(0, 10), reportedAt: at, retracts, reason: 'data entry error' });
}
