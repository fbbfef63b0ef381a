// What the demo is for, said first: did surveillance detect an effect, when, at what HR and z, and who
// was told. Read from the stored looks (monitoring_looks) and the alerts and mail of the crossing.
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';

export interface Detection {
  readonly population: string;
  readonly endpoint: string;
  readonly look: number;
  readonly cutoff: string;
  readonly side: 'benefit' | 'harm' | null;
  readonly hr: number | null;
  readonly z: number | null;
  readonly boundaryZ: number | null;
  readonly informationFraction: number | null;
  readonly events: number;
  /** Mails of the crossing's alert delivered to the SMTP server, and to whom. */
  readonly mailsSent: number;
  readonly recipients: readonly string[];
  readonly subject: string | null;
  readonly messageIds: readonly string[];
}

/** Every fired boundary crossing of a primary estimand, in look order. */
export async function loadDetections(db: Kysely<Database>): Promise<Detection[]> {
  const rows = await db.selectFrom('alerts')
    .innerJoin('analysis_runs', 'analysis_runs.id', 'alerts.run_id')
    .innerJoin('monitoring_looks', (join) => join.onRef('monitoring_looks.run_id', '=', 'alerts.run_id')
      .onRef('monitoring_looks.population', '=', 'alerts.population').onRef('monitoring_looks.endpoint', '=', 'alerts.endpoint'))
    .select(['alerts.id', 'alerts.run_id', 'alerts.population', 'alerts.endpoint', 'analysis_runs.look', 'analysis_runs.cutoff', 'monitoring_looks.side',
      'monitoring_looks.hr', 'monitoring_looks.z', 'monitoring_looks.boundary_z', 'monitoring_looks.information_fraction', 'monitoring_looks.events'])
    .where('alerts.rule', '=', 'boundary').where('alerts.status', '=', 'fired')
    // Live looks only, under any plan version: a voided look's crossing never happened.
    .where('analysis_runs.status', '=', 'completed').where('analysis_runs.voided_at', 'is', null).where('alerts.voided_at', 'is', null)
    .orderBy('analysis_runs.look').orderBy('alerts.population').orderBy('alerts.endpoint').execute();
  const out: Detection[] = [];
  for (const r of rows) {
    const mails = await db.selectFrom('mail_outbox').select(['recipient', 'status', 'subject', 'message_id'])// One digest per investigator per look carries the look's crossings.
      .where('run_id', '=', r.run_id).orderBy('recipient').execute();
    out.push({
      population: r.population, endpoint: r.endpoint, look: r.look, cutoff: r.cutoff, side: r.side, hr: r.hr, z: r.z, boundaryZ: r.boundary_z,
      informationFraction: r.information_fraction, events: r.events,
      mailsSent: mails.filter((m) => m.status === 'sent').length, recipients: mails.map((m) => m.recipient), subject: mails[0]?.subject ?? null, messageIds: mails.map((m) => m.message_id),
    });
  }
  return out;
}

const LABEL: Readonly<Record<string, string>> = { group1: 'group 1 (T1/2, non-TNBC)', group2: 'group 2 (T3/4, non-TNBC)', group3: 'group 3 (TNBC)', all: 'all patients' };
const f2 = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(2));

/** One sentence per crossing: "group 1 (T1/2, non-TNBC) PFS crossed its boundary for benefit at look 25 (cutoff 2013-12-31): HR 0.74, z = -2.89 (boundary ±2.87, information 0.94); mailed to 2 investigators." */
export function detectionSentence(d: Detection): string {
  const who = d.mailsSent === 0 ? 'no mail delivered' : `mailed to ${d.mailsSent} investigator${d.mailsSent === 1 ? '' : 's'}`;
  return `${LABEL[d.population] ?? d.population} ${d.endpoint.toUpperCase()} crossed its O'Brien-Fleming boundary for ${d.side ?? 'an effect'} of PORT at look ${d.look} (cutoff ${d.cutoff}): `
    + `HR ${f2(d.hr)}, z = ${f2(d.z)} against a boundary of ±${f2(d.boundaryZ)} (information ${f2(d.informationFraction)}); ${who}.`;
}

/** The headline of the run: the first crossing, or that there was none. */
export function detectionHeadline(detections: readonly Detection[], looks: number): string {
  const first = detections[0];
  if (first === undefined) return `No primary estimand crossed its boundary in ${looks} looks: surveillance detected no effect.`;
  return `Surveillance detected ${first.side === 'harm' ? 'a harm' : 'a benefit'} of PORT: ${detectionSentence(first)}`;
}
