export { finegrayExpand, type FinegrayData, type FinegrayInput } from './finegrayExpand.ts';
export { fitFineGray, type FineGrayFit, type FineGrayInput } from './fitFineGray.ts';
