// The package's public entry point for other Node code (a CRM back end, scripts): start a SET run and
// await its result without going through HTTP.
export { createIntegradorClient, type IntegradorClient } from './temporal/client';
export { setRunWorkflowId } from './temporal/workflow-id';
export { applySchedules, listSchedules, type AppliedSchedule, type ScheduleRow } from './temporal/schedules';
export type { RunRequest, RunResult, IntegrationResult } from './plan/types';
export { loadConfig, parseConfig } from './config/load-config';
export { ConfigError, RecordError, RequestError, TransportError, UnknownOutcome, ErrorCodes } from './errors';
