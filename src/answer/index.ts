// Reading receivers' answers (SPEC §7). Pure.
export { findKey } from './locate';
export { parseAnswerRules, capturedNames, ANSWER_COLUMNS, type ErrorRule, type ParsedAnswerRules } from './rules';
export { readAnswer, type AnswerOutcome, type FeedbackItem } from './read-answer';
