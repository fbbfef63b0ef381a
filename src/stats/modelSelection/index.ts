export { selectCoxModel } from './selectModel.ts';
export { lrtTermTest, waldTermTest } from './termTests.ts';
export type {
  CandidateTerm,
  EliminationStep,
  SelectionCriterion,
  SelectionInput,
  SelectionResult,
  TermTest,
  UnivariateTest,
} from './types.ts';
