// Asking the CRM about configured SQL: the consultant's validator (`integrador validate`, every problem of a
// base at once) and the check of one run's plan before anything is sent (planFromCrm).
export { validateBase, type ValidationReport } from './validate-base';
export { validateDatabase } from './validate-database';
export { createSqlChecker, type SqlChecker, type Described } from './sql-checker';
export { checkPlanSql, planFromCrm } from './check-plan';
