import { ApiProperty } from '@nestjs/swagger';

/** The error envelope, for the OpenAPI document. */
export class ErrorBodyDto {
  @ApiProperty({ example: 'invalid_request' }) code: string;
  @ApiProperty({ example: 'Request validation failed: events is required' }) message: string;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ field: 'events', message: 'events is required' }] })
  details: Record<string, unknown>[];
}

export class ErrorMetaDto {
  @ApiProperty({ example: 'req_5f0c6f7e-3c1a-4b8e-9d55-0b1f2a3c4d5e' }) request_id: string;
}

export class ErrorEnvelopeDto {
  @ApiProperty({ type: ErrorBodyDto }) error: ErrorBodyDto;
  @ApiProperty({ type: ErrorMetaDto }) meta: ErrorMetaDto;
}
