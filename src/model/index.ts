// What other folders use from the configuration model. Pure.
export * from './types';
export { parseCampoCrm, type CampoCrmSpec } from './parse-campo-crm';
export { parseConsulta } from './parse-consulta';
export { parseRegra, RULE_TYPES } from './parse-regra';
export { parseFields, parseComponents, parseMapping, componentReferences, isComponentLink, COMPONENT_LINK, type Mapping } from './parse-fields';
export { compileDatePattern, DEFAULT_DATE_PATTERN, type DateToken } from './date-pattern';
export type { IssueLocation, Parsed } from './parsed';
