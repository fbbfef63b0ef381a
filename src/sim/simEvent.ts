// The events the simulator emits: the follow-up event contract v1 (docs/contract.md), written out here
// as plain types so the simulator depends on the contract's text, not on the validator's module; the
// tests run every emitted event through `validateEvent` to hold the two together.

export type TCategory = 'T1' | 'T2' | 'T3' | 'T4';
export type NCategory = 'N0' | 'N1' | 'N2' | 'N3';
export type MetastaticBurden = 'single' | 'oligo' | 'disseminated';
export type PtrType = 'bcs' | 'mastectomy';
export type AxillarySurgery = 'alnd' | 'slnb' | 'none';
export type Chemotherapy = 'preop' | 'postop' | 'both' | 'none';
export type LrrSite = 'breast_chest_wall' | 'axilla' | 'supraclavicular' | 'internal_mammary';
export type DpSite = 'bone' | 'lung' | 'liver' | 'brain' | 'distant_node' | 'other';
export type DeathCause = 'breast_cancer' | 'other' | 'unknown';

export interface SimBaseline {
  ageAtPtr: number | null;
  tCategory: TCategory | null;
  nCategory: NCategory | null;
  er: boolean | null;
  pr: boolean | null;
  her2: boolean | null;
  metastasisCount: number | null;
  metastaticBurden: MetastaticBurden | null;
  boneOnly: boolean | null;
  ptrType: PtrType;
  axillarySurgery: AxillarySurgery | null;
  chemotherapy: Chemotherapy | null;
  hormonalTherapy: boolean | null;
  antiHer2: boolean | null;
  allMetastasesTreated: boolean | null;
  port: boolean;
  portStartedOn: string | null;
}

interface Common {
  eventId: string;
  patientId: string;
  occurredOn: string;
  reportedAt: string;
  centre: string;
}

export type SimEvent =
  | (Common & { type: 'registration'; baseline: SimBaseline })
  | (Common & { type: 'lrr'; sites: LrrSite[]; inField: boolean | null })
  | (Common & { type: 'dp'; sites: DpSite[] })
  | (Common & { type: 'progression' })
  | (Common & { type: 'death'; cause: DeathCause })
  | (Common & { type: 'last_contact' })
  | (Common & { type: 'retraction'; retracts: string; reason: string });

export type SimEventType = SimEvent['type'];
