// The token check lives in src/auth (the console uses it too, and must not import the API).
export { checkCompany, checkToken, tokenName, tokenRuleOf } from '../auth/check-token';
