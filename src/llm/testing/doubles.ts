/** Test doubles shared by the narrator specs. */
import type { BaseMessage } from '@langchain/core/messages';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { ChatResult } from '@langchain/core/outputs';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import type { Findings, Narrative } from '../../engine/model';
import type { LlmConfig } from '../config';

/** Stands in for the analysis engineer's narrateDeterministic in unit tests. */
export function deterministicDouble(findings: Findings): Narrative {
  return {
    summary: `Deterministic summary of a ${findings.severity} incident.`,
    impact: 'Deterministic impact.',
    root_cause: 'Deterministic root cause.',
    recommendations: ['Deterministic recommendation.'],
  };
}

export function testConfig(overrides: Partial<LlmConfig> = {}): LlmConfig {
  return {
    provider: 'openai',
    model: 'test-model',
    concurrency: 4,
    safetyMarginMs: 100,
    temperature: 0,
    maxOutputTokens: 800,
    ...overrides,
  };
}

/** FakeListChatModel that remembers the messages of every call. */
export class RecordingFakeModel extends FakeListChatModel {
  readonly calls: BaseMessage[][] = [];

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    this.calls.push(messages);
    return super._generate(messages, options, runManager);
  }
}

export function textOf(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
}

export const GOOD_ANSWER: Narrative = {
  summary:
    'An SSH brute force from 185.220.101.42 compromised the admin account on 10.0.1.15 (srv-prod-01), after which the attacker ran whoami.exe to enumerate the user context.',
  impact: 'The attacker holds administrative access to a production server that handles customer PII.',
  root_cause: 'Password authentication for admin over SSH allowed 40 guesses without lockout (T1110.001).',
  recommendations: [
    'Isolate srv-prod-01 from the network.',
    'Reset the admin credentials and revoke its sessions.',
    'Block 185.220.101.42 at the perimeter firewall.',
    'Enforce SSH key authentication and account lockout.',
  ],
};
