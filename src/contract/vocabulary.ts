// The closed vocabularies of the follow-up event contract (v1). Everything else in src/contract is
// built from these lists, so the schema, the rejection reasons and docs/contract.md cannot drift apart.

export const EVENT_TYPES = ['registration', 'lrr', 'dp', 'progression', 'death', 'last_contact', 'retraction'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Locoregional sites: a recurrence anywhere else is distant progression (`dp`), not `lrr`. */
export const LRR_SITES = ['breast_chest_wall', 'axilla', 'supraclavicular', 'internal_mammary'] as const;
export const DP_SITES = ['bone', 'lung', 'liver', 'brain', 'distant_node', 'other'] as const;
export const DEATH_CAUSES = ['breast_cancer', 'other', 'unknown'] as const;

export const T_CATEGORIES = ['T1', 'T2', 'T3', 'T4'] as const;
export const N_CATEGORIES = ['N0', 'N1', 'N2', 'N3'] as const;
export const METASTATIC_BURDENS = ['single', 'oligo', 'disseminated'] as const;
export const PTR_TYPES = ['bcs', 'mastectomy'] as const;
export const AXILLARY_SURGERIES = ['alnd', 'slnb', 'none'] as const;
export const CHEMOTHERAPIES = ['preop', 'postop', 'both', 'none'] as const;

/** eventId, patientId and retracts: printable ASCII that is safe in logs, URLs and queue keys. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
export const ID_CHARACTERS = 'A-Z a-z 0-9 . _ : -';
export const EVENT_ID_MAX = 128;
export const PATIENT_ID_MAX = 64;
export const CENTRE_MAX = 32;
export const RETRACTION_REASON_MAX = 500;
export const AGE_MIN = 18;
export const AGE_MAX = 110;
