import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { SCOPES, Scope } from '../engine/model';

/** Upper bound of `context`; LANTERN_CONTEXT_MAX may lower it further at run time. */
export const CONTEXT_MAX_LENGTH = 4000;

export class AnalysisRequestDto {
  @ApiProperty({
    description:
      'Security events to analyse. Every array under this object holds events (e.g. `logs`, `alerts`): ' +
      'event objects, or strings for line-based formats (syslog, auditd, web access logs). ' +
      'A string value holding many lines is split into lines.',
    type: 'object',
    additionalProperties: true,
    example: {
      logs: [
        { timestamp: '2026-04-03T14:20:00Z', source: 'firewall', action: 'allow', src_ip: '185.220.101.42', dst_ip: '10.0.1.15', dst_port: 22, protocol: 'tcp' },
        { timestamp: '2026-04-03T14:22:00Z', source: 'auth', action: 'login_success', user: 'admin', src_ip: '185.220.101.42', dst_ip: '10.0.1.15' },
        { timestamp: '2026-04-03T14:25:00Z', source: 'endpoint', action: 'process_create', host: 'srv-prod-01', process: 'whoami.exe', parent: 'cmd.exe', user: 'admin' },
      ],
    },
  })
  @IsDefined({ message: 'events is required' })
  @IsObject({ message: 'events must be an object (e.g. { "logs": [ ... ] })' })
  events: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Environment, affected systems or business impact, to weigh severity and focus the narrative.',
    maxLength: CONTEXT_MAX_LENGTH,
    example: 'Production environment, server handles customer PII',
  })
  @IsOptional()
  @IsString({ message: 'context must be a string' })
  @MaxLength(CONTEXT_MAX_LENGTH, { message: `context must be at most ${CONTEXT_MAX_LENGTH} characters` })
  context?: string;

  @ApiPropertyOptional({ enum: SCOPES, default: 'incident', description: 'Analysis scope.' })
  @IsOptional()
  @IsIn(SCOPES as Scope[], { message: `scope must be one of: ${SCOPES.join(', ')}` })
  scope?: Scope;
}
