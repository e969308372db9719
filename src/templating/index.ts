// Templating: `#name#` variables in SQL, text and URL paths, resolved through a Scope. Pure.
export { Scope, type ScopeLayers, type Values } from './scope';
export { variablesIn, checkVariables, type IssueLocation } from './variables';
export { bindSql, checkSqlVariables, sqlValue, type BoundSql } from './sql';
export { renderText, renderUrlPath, textOf } from './text';
