export { fitFirth, type FirthFit, type FirthInput, type FirthTerm } from './fitFirth.ts';
export { FirthSingularError } from './penalisedLikelihood.ts';
