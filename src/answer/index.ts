// Reading receivers' answers (SPEC §7). Pure.
export { findKey } from './locate';
export { jsonExcerpt } from './read-answer';
export { parseAnswerRules, capturedNames, ANSWER_COLUMNS, type ErrorRule, type ParsedAnswerRules } from './rules';
export { readAnswer, readBatchFeedback, type AnswerOutcome, type BatchFeedback, type FeedbackItem } from './read-answer';
