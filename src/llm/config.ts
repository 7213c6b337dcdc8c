import { z } from 'zod';

/** Providers Lantern can write narratives with; `none` keeps the deterministic narrator only. */
export const LLM_PROVIDERS = ['none', 'openai', 'anthropic', 'ollama'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export const STRUCTURED_METHODS = ['jsonSchema', 'functionCalling', 'jsonMode'] as const;
export type StructuredMethod = (typeof STRUCTURED_METHODS)[number];

export interface LlmConfig {
  provider: LlmProvider;
  /** Undefined only when provider is `none`. */
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  concurrency: number;
  /** Time kept back from the request deadline for the fallback and the response itself. */
  safetyMarginMs: number;
  /** Optional cap on the narrative stage; undefined = whatever is left of the request budget. */
  timeoutMs?: number;
  temperature: number;
  maxOutputTokens: number;
  /** How the provider is asked for structured output; undefined = the provider class default. */
  structuredMethod?: StructuredMethod;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_SAFETY_MARGIN_MS = 1000;
export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

type Env = Record<string, string | undefined>;

const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());

const integerIn = (name: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `${name} must be a number` })
      .int(`${name} must be a whole number`)
      .min(min, `${name} must be at least ${min}`)
      .max(max, `${name} must be at most ${max}`)
      .default(fallback),
  );

const httpUrl = z.preprocess(
  blankToUndefined,
  z
    .url({ protocol: /^https?$/, error: 'LANTERN_LLM_BASE_URL must be an http(s) URL, e.g. http://127.0.0.1:8000/v1' })
    .optional(),
);

const EnvSchema = z
  .object({
    LANTERN_LLM_PROVIDER: z.preprocess(
      (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
      z
        .enum(LLM_PROVIDERS, { error: `LANTERN_LLM_PROVIDER must be one of: ${LLM_PROVIDERS.join(', ')}` })
        .default('none'),
    ),
    LANTERN_LLM_MODEL: optionalText,
    LANTERN_LLM_BASE_URL: httpUrl,
    LANTERN_LLM_API_KEY: optionalText,
    OPENAI_API_KEY: optionalText,
    ANTHROPIC_API_KEY: optionalText,
    LANTERN_LLM_CONCURRENCY: integerIn('LANTERN_LLM_CONCURRENCY', 1, 256, DEFAULT_CONCURRENCY),
    LANTERN_LLM_SAFETY_MARGIN_MS: integerIn('LANTERN_LLM_SAFETY_MARGIN_MS', 0, 60000, DEFAULT_SAFETY_MARGIN_MS),
    LANTERN_LLM_TIMEOUT_MS: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'LANTERN_LLM_TIMEOUT_MS must be a number' })
        .int('LANTERN_LLM_TIMEOUT_MS must be a whole number')
        .min(500, 'LANTERN_LLM_TIMEOUT_MS must be at least 500')
        .max(600000, 'LANTERN_LLM_TIMEOUT_MS must be at most 600000')
        .optional(),
    ),
    LANTERN_LLM_MAX_OUTPUT_TOKENS: integerIn('LANTERN_LLM_MAX_OUTPUT_TOKENS', 64, 32768, 1200),
    LANTERN_LLM_TEMPERATURE: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'LANTERN_LLM_TEMPERATURE must be a number' })
        .min(0, 'LANTERN_LLM_TEMPERATURE must be between 0 and 2')
        .max(2, 'LANTERN_LLM_TEMPERATURE must be between 0 and 2')
        .default(0),
    ),
    LANTERN_LLM_STRUCTURED_METHOD: z.preprocess(
      blankToUndefined,
      z
        .enum(STRUCTURED_METHODS, {
          error: `LANTERN_LLM_STRUCTURED_METHOD must be one of: ${STRUCTURED_METHODS.join(', ')}`,
        })
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    const provider = env.LANTERN_LLM_PROVIDER;
    if (provider === 'none') return;
    if (!env.LANTERN_LLM_MODEL) {
      ctx.addIssue({
        code: 'custom',
        path: ['LANTERN_LLM_MODEL'],
        message: `LANTERN_LLM_MODEL is required when LANTERN_LLM_PROVIDER=${provider} (e.g. gpt-4o-mini, claude-sonnet-4-5, llama3.1:8b)`,
      });
    }
    const hasOpenAiKey = Boolean(env.LANTERN_LLM_API_KEY ?? env.OPENAI_API_KEY);
    if (provider === 'openai' && !env.LANTERN_LLM_BASE_URL && !hasOpenAiKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_API_KEY'],
        message:
          'OPENAI_API_KEY is required for LANTERN_LLM_PROVIDER=openai (or set LANTERN_LLM_BASE_URL to an OpenAI-compatible server that needs no key)',
      });
    }
    if (provider === 'anthropic' && !(env.LANTERN_LLM_API_KEY ?? env.ANTHROPIC_API_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ANTHROPIC_API_KEY'],
        message: 'ANTHROPIC_API_KEY is required for LANTERN_LLM_PROVIDER=anthropic',
      });
    }
    if (provider === 'anthropic' && env.LANTERN_LLM_STRUCTURED_METHOD === 'jsonMode') {
      ctx.addIssue({
        code: 'custom',
        path: ['LANTERN_LLM_STRUCTURED_METHOD'],
        message: 'LANTERN_LLM_STRUCTURED_METHOD=jsonMode is not supported by the anthropic provider',
      });
    }
  });

export class LlmConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid LLM configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'LlmConfigError';
  }
}

function apiKeyFor(provider: LlmProvider, env: z.infer<typeof EnvSchema>): string | undefined {
  if (env.LANTERN_LLM_API_KEY) return env.LANTERN_LLM_API_KEY;
  if (provider === 'openai') return env.OPENAI_API_KEY;
  if (provider === 'anthropic') return env.ANTHROPIC_API_KEY;
  return undefined;
}

/**
 * Reads and checks the LLM settings from the environment. Throws LlmConfigError listing every problem,
 * so a misconfigured deployment fails at start-up instead of silently falling back on every request.
 */
export function validateLlmConfig(env: Env = process.env): LlmConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new LlmConfigError(parsed.error.issues.map((issue) => issue.message));
  }
  const e = parsed.data;
  const provider = e.LANTERN_LLM_PROVIDER;
  const baseUrl = e.LANTERN_LLM_BASE_URL ?? (provider === 'ollama' ? DEFAULT_OLLAMA_URL : undefined);
  return {
    provider,
    model: provider === 'none' ? undefined : e.LANTERN_LLM_MODEL,
    baseUrl: provider === 'none' ? undefined : baseUrl,
    apiKey: provider === 'none' ? undefined : apiKeyFor(provider, e),
    concurrency: e.LANTERN_LLM_CONCURRENCY,
    safetyMarginMs: e.LANTERN_LLM_SAFETY_MARGIN_MS,
    timeoutMs: e.LANTERN_LLM_TIMEOUT_MS,
    temperature: e.LANTERN_LLM_TEMPERATURE,
    maxOutputTokens: e.LANTERN_LLM_MAX_OUTPUT_TOKENS,
    structuredMethod: e.LANTERN_LLM_STRUCTURED_METHOD,
  };
}
