import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SEVERITIES, Severity } from '../engine/model';

/** Response shapes, for the OpenAPI document (the service returns plain objects of these shapes). */
export class TimelineEntryDto {
  @ApiProperty({ example: '2026-04-03T14:20:00Z' }) timestamp: string;
  @ApiProperty({ example: 'Firewall allowed inbound SSH from 185.220.101.42 to 10.0.1.15' }) description: string;
  @ApiPropertyOptional({ type: [Number], description: 'Evidence: indices of the events behind this step.' }) event_indices?: number[];
  @ApiPropertyOptional({ type: [String], description: 'Evidence: ids of the rules that matched.' }) rule_ids?: string[];
  @ApiPropertyOptional({ description: 'Number of events collapsed into this step.' }) count?: number;
}

export class IndicatorDto {
  @ApiProperty({ example: 'ip' }) type: string;
  @ApiProperty({ example: '185.220.101.42' }) value: string;
  @ApiProperty({ example: 'attacker', description: 'attacker, target, compromised_account, recon_tool, ...' }) role: string;
  @ApiPropertyOptional({ type: [Number] }) event_indices?: number[];
  @ApiPropertyOptional({ type: [String], description: 'Threat-intel labels matched.' }) intel?: string[];
}

export class TechniqueMappingDto {
  @ApiProperty({ example: 'T1110.001' }) technique_id: string;
  @ApiProperty({ example: 'Brute Force: Password Guessing' }) name: string;
  @ApiProperty({ example: 'Credential Access' }) tactic: string;
  @ApiProperty({ example: 93, minimum: 0, maximum: 100 }) confidence: number;
  @ApiPropertyOptional({ type: [String] }) rule_ids?: string[];
  @ApiPropertyOptional({ type: [Number] }) event_indices?: number[];
  @ApiPropertyOptional({ type: [String], example: ['T1110.001'], description: 'On a technique listed because sub-techniques of it were found: those sub-techniques (the technique is at least as certain as the best of them).' }) sub_techniques?: string[];
}

export class AnalysisDataDto {
  @ApiProperty() summary: string;
  @ApiProperty({ enum: SEVERITIES }) severity: Severity;
  @ApiProperty() impact: string;
  @ApiProperty() root_cause: string;
  @ApiProperty({ type: [TimelineEntryDto] }) timeline: TimelineEntryDto[];
  @ApiProperty({ type: [IndicatorDto] }) indicators: IndicatorDto[];
  @ApiProperty({ type: [TechniqueMappingDto] }) attack_mapping: TechniqueMappingDto[];
  @ApiProperty({ type: [String] }) recommendations: string[];
}

export class NarrativeProvenanceDto {
  @ApiProperty({ enum: ['llm', 'deterministic'] }) source: 'llm' | 'deterministic';
  @ApiPropertyOptional() provider?: string;
  @ApiPropertyOptional() model?: string;
  @ApiPropertyOptional({ description: 'Why the deterministic narrator was used instead of the model.' }) fallback_reason?: string;
}

export class AnalysisMetaDto {
  @ApiProperty({ example: 'req_5f0c6f7e-3c1a-4b8e-9d55-0b1f2a3c4d5e' }) request_id: string;
  @ApiProperty({ example: 15 }) credits_used: number;
  @ApiProperty({ example: 485 }) credits_remaining: number;
  @ApiProperty({ example: 42 }) processing_time_ms: number;
  @ApiProperty({ description: 'Events recognised per input format.', type: 'object', additionalProperties: { type: 'number' }, example: { generic: 3 } })
  formats: Record<string, number>;
  @ApiProperty({ type: NarrativeProvenanceDto }) narrative: NarrativeProvenanceDto;
}

export class AnalysisResponseDto {
  @ApiProperty({ type: AnalysisDataDto }) data: AnalysisDataDto;
  @ApiProperty({ type: AnalysisMetaDto }) meta: AnalysisMetaDto;
}
