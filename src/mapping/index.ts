// What other folders use from mapping: build one record's request. Pure.
export { mapRecord, type MappingDeps, type CrmRow } from './map-record';
export { convertValue } from './convert';
export { formatDate } from './dates';
