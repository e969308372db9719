// The consultant's validator (`integrador validate`): every problem of a base's configuration at once.
export { validateBase, type ValidationReport } from './validate-base';
export { validateDatabase } from './validate-database';
export { createSqlChecker, type SqlChecker, type Described } from './sql-checker';
export { checkPlanSql, planFromCrm } from './check-plan';
