// Workflow barrel: workflowsPath and bundleWorkflowCode point here.
export { setRun } from './set-run';
export { settleRecord } from './settle-record';
