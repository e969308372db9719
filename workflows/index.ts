// Workflow barrel: workflowsPath and bundleWorkflowCode point here.
export { setRun } from './set-run';
