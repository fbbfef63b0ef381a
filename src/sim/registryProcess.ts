/**
 * How the registry observes the patients: follow-up visits, loss to follow-up, reporting lags and the
 * data-handling accidents a pipeline must survive. None of these figures is published (except visits
 * every 3 months); each is an assumption documented in docs/simulator.md.
 */
export const REGISTRY = {
  /** Loss to follow-up: exponential, per year after PTR. */
  lossToFollowUpPerYear: 0.02,
  /** Visits every 3 months, each within +/- this many days of schedule. */
  visitEveryDays: 365.25 / 4,
  visitJitterDays: 10,
  /** Reporting lag in days: log-normal(median, sdLog) clamped to [min, max]. Visit lags are capped
   * below the visit spacing so a patient's visits are reported in the order they happened. */
  lag: {
    registration: { median: 45, sdLog: 0.6, min: 7, max: 365 },
    clinical: { median: 30, sdLog: 0.8, min: 0, max: 365 },
    visit: { median: 14, sdLog: 0.6, min: 0, max: 60 },
  },
  /** Korean centres: reports are stamped in their own offset, during working hours. */
  offset: '+09:00',
  offsetMinutes: 9 * 60,
  workingHours: { from: 9, to: 18 },
  /** 15 centres, unequal sizes. */
  centreWeights: [18, 14, 12, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0.6, 0.4],
  /** PORT starts 4-8 weeks after PTR, or 4-7 months when postoperative chemotherapy comes first. */
  portStartDays: { direct: [28, 56], afterChemotherapy: [120, 210] },
  quirks: {
    /** A first registration with one wrong field, corrected by a later registration 30-400 days on. */
    correction: 0.04,
    correctionDelayDays: [30, 400],
    /** An event entered in error (lrr, dp or last_contact) and retracted 7-180 days after its report. */
    retraction: 0.02,
    retractionDelayDays: [7, 180],
    /** Any delivered event delivered a second time, identical (at-least-once delivery). */
    duplicate: 0.01,
    /** A distant progression first reported as a progression of unknown kind (same date). */
    progressionBeforeDp: 0.03,
    /** Among the dead: a last_contact dated after death (a clerical error the pipeline must flag). */
    contactAfterDeath: 0.005,
  },
  /** LRR sites (paper: breast/chest wall 34 of 65, 10 of them also nodal; axilla 23, SCL 21, IMN 4). */
  lrrSites: { breastChestWall: 34 / 65, nodalWithBreast: 10 / 34, axilla: 0.55, internalMammary: 0.08 },
  /** Among PORT patients, LRR inside the irradiated field: 28 of 30. */
  inFieldAmongPort: 28 / 30,
  dpSites: { bone: 0.45, lung: 0.25, liver: 0.2, brain: 0.08, distant_node: 0.1, other: 0.05 },
  deathCause: {
    afterProgression: { breast_cancer: 0.9, unknown: 0.07, other: 0.03 },
    withoutProgression: { breast_cancer: 0.2, unknown: 0.3, other: 0.5 },
  },
} as const;
