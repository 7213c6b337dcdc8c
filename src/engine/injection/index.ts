export { detectPromptInjection, looksLikePromptInjection } from './detect';
export type { InjectionSignal, InjectionSubject, PromptInjectionFinding } from './detect';
export { hasInvisible, normalizeForMatching, stripInvisible } from './sanitize';
