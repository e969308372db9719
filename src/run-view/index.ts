// What a caller sees of a run, shared by the API (/integrar, /execucoes) and the CLI (run, status): the
// /integrar answer built from a result and its ledger records, and the live view of a run by workflow id.
export { recordAnswer, runAnswer, type RecordAnswer } from './run-answer';
export { runView, planStepsOf, type RunView, type RunStatus, type IntegrationView } from './run-view';
