/**
 * The paper's cohort as the calibration simulates it. The data cut is not published; 2017-03-31 is
 * chosen because the paper's longest follow-up, 194.4 months from the first PTR (Oct 2000), ends in
 * early 2017, and with it the simulated median follow-up matches the published 53.7 months.
 */
export const PAPER_COHORT = { patients: 426, cutoff: '2017-03-31' } as const;
