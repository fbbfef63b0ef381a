import { describe, expect, it } from 'vitest';
import { ANALYSIS_COLUMNS, deriveTimeline, parseCutoff, toAnalysisRow } from '../../src/timeline/index.ts';
import type { Timeline } from '../../src/timeline/index.ts';
import { clinical, PATIENT, registration } from './build.ts';

function timeline(): Timeline {
  const events = [
    registration('reg-1', '2020-01-10', '2020-03-01T00:00:00Z', { port: true, portStartedOn: '2020-02-01', er: false, pr: false, her2: false, tCategory: 'T3' }),
    clinical('lrr', 'l', '2020-06-01'),
    clinical('death', 'd', '2021-01-01'),
  ];
  const result = deriveTimeline(events, parseCutoff('2022-12-31'));
  if (result.timeline === null) throw new Error(result.reason);
  return result.timeline;
}

describe('the analysis row', () => {
  it('has exactly the export columns, in ANALYSIS_COLUMNS order', () => {
    expect(ANALYSIS_COLUMNS).toEqual([
      'patientId', 'centre', 'ageAtPtr', 'tCategory', 'nCategory', 'er', 'pr', 'her2', 'metastasisCount', 'metastaticBurden',
      'boneOnly', 'ptrType', 'axillarySurgery', 'chemotherapy', 'hormonalTherapy', 'antiHer2', 'allMetastasesTreated',
      'portStartedOn', 'tnbc', 'group', 'port', 'osDays', 'osStatus', 'pfsDays', 'pfsStatus', 'lrrDays', 'lrrStatus', 'dpDays', 'dpStatus',
    ]);
    expect(Object.keys(toAnalysisRow(PATIENT, 'KR01', timeline()))).toEqual(ANALYSIS_COLUMNS);
  });

  it('carries the baseline, subgroups and the four endpoints', () => {
    expect(toAnalysisRow(PATIENT, null, timeline())).toEqual({
      patientId: 'P-001', centre: null, ageAtPtr: 48, tCategory: 'T3', nCategory: 'N1', er: false, pr: false, her2: false,
      metastasisCount: 1, metastaticBurden: 'single', boneOnly: true, ptrType: 'bcs', axillarySurgery: 'slnb', chemotherapy: 'postop',
      hormonalTherapy: true, antiHer2: false, allMetastasesTreated: true, portStartedOn: '2020-02-01',
      tnbc: true, group: 'group3', port: true,
      osDays: 357, osStatus: 1, pfsDays: 143, pfsStatus: 1, lrrDays: 143, lrrStatus: 1, dpDays: 357, dpStatus: 2,
    });
  });

  it('an omitted portStartedOn is exported as null', () => {
    const result = deriveTimeline([registration('reg-1', '2020-01-10', undefined, { portStartedOn: undefined })], parseCutoff('2021-01-01'));
    expect(result.timeline && toAnalysisRow(PATIENT, null, result.timeline).portStartedOn).toBeNull();
  });
});
