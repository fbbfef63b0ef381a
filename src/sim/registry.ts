import { createRng, STREAM } from './prng.ts';
import { ACCRUAL, AccrualClock } from './accrual.ts';
import { MinHeap } from './minHeap.ts';
import { PatientStream } from './patientStream.ts';
import { simulatePatient } from './patient.ts';
import type { PatientTruth } from './patient.ts';
import { SCENARIOS } from './scenario.ts';
import type { ScenarioName } from './scenario.ts';
import { startOfLocalDay } from './reportingClock.ts';
import { dayOf } from './days.ts';
import type { SimEvent } from './simEvent.ts';

export const MIN_PATIENTS = 1;
export const MAX_PATIENTS = 1_000_000;
export const DEFAULT_ADMIN_END = '2026-09-30';

export interface SimulationOptions {
  seed: number;
  patients: number;
  scenario?: ScenarioName;
  /** Administrative end (YYYY-MM-DD): nothing occurring or reported after it exists yet. */
  adminEnd?: string;
}

export interface ResolvedOptions {
  seed: number;
  patients: number;
  scenario: ScenarioName;
  adminEnd: string;
}

/** Checks and completes the options; throws a one-line message on bad input. */
export function resolveOptions(options: SimulationOptions): ResolvedOptions {
  const { seed, patients } = options;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed ${seed} must be an integer 0..4294967295`);
  if (!Number.isSafeInteger(patients) || patients < MIN_PATIENTS || patients > MAX_PATIENTS) {
    throw new Error(`patients ${patients} must be an integer ${MIN_PATIENTS}..${MAX_PATIENTS}`);
  }
  const scenario = options.scenario ?? 'paper';
  if (!(scenario in SCENARIOS)) throw new Error(`unknown scenario "${String(scenario)}"`);
  const adminEnd = options.adminEnd ?? DEFAULT_ADMIN_END;
  const adminEndDay = dayOf(adminEnd);
  if (adminEndDay < dayOf(ACCRUAL.first)) throw new Error(`adminEnd ${adminEnd} must be on or after ${ACCRUAL.first} (the first PTR)`);
  return { seed, patients, scenario, adminEnd };
}

const earlier = (a: PatientStream, b: PatientStream): boolean => a.nextAt < b.nextAt || (a.nextAt === b.nextAt && a.index < b.index);

/**
 * The registry's event stream in reportedAt order (ties: patient accrual order, then the patient's own
 * order). Patients are generated in accrual order; each one's events are at or after her PTR day, so
 * whatever is due before the next patient's PTR day can be released. Memory holds one small stream per
 * patient still followed, never the events (see docs/simulator.md for the figures).
 * `onPatient` receives each patient's truth as she is accrued.
 */
export function* simulateEvents(options: SimulationOptions, onPatient?: (truth: PatientTruth) => void): Generator<SimEvent> {
  const { seed, patients, scenario, adminEnd } = resolveOptions(options);
  const context = { seed, scenario: SCENARIOS[scenario], adminEndDay: dayOf(adminEnd) };
  const accrual = new AccrualClock(createRng(seed, STREAM.accrual), patients);
  const heap = new MinHeap<PatientStream>(earlier);

  // The release loop is written out twice rather than delegated (yield*): one generator hop per event
  // matters at tens of millions of events.
  for (let index = 0; index < patients; index++) {
    const ptrDay = accrual.next();
    const releaseBefore = startOfLocalDay(ptrDay);
    for (let top = heap.peek(); top && top.nextAt < releaseBefore; top = heap.peek()) {
      yield top.take();
      settle(heap, top);
    }
    const patient = simulatePatient(context, index, ptrDay);
    onPatient?.(patient.truth);
    const stream = new PatientStream(context, patient);
    if (Number.isFinite(stream.nextAt)) heap.push(stream);
  }
  for (let top = heap.peek(); top; top = heap.peek()) {
    yield top.take();
    settle(heap, top);
  }
}

/** After the top stream gave an event: re-order it by its next event, or drop it when it is done. */
function settle(heap: MinHeap<PatientStream>, top: PatientStream): void {
  if (Number.isFinite(top.nextAt)) heap.topChanged();
  else heap.pop();
}
