import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { RequestContext } from '../common/request-context.decorator';
import { CreditsService } from './credits.service';

class LedgerEntryDto {
  @ApiProperty({ example: -15 }) delta: number;
  @ApiProperty({ example: 485 }) balance_after: number;
  @ApiProperty({ enum: ['grant', 'reserve', 'refund'] }) reason: string;
  @ApiPropertyOptional({ example: 'req_5f0c6f7e-3c1a-4b8e-9d55-0b1f2a3c4d5e', nullable: true }) request_id: string | null;
  @ApiProperty({ example: '2026-04-03T14:25:00.000Z' }) created_at: string;
}

class AccountDataDto {
  @ApiProperty({ example: 'acme' }) account: string;
  @ApiProperty({ example: 'starter' }) plan: string;
  @ApiProperty({ example: 485 }) credits_remaining: number;
  @ApiProperty({ example: 'lnt_live_AbCd2345' }) key_prefix: string;
  @ApiProperty({ type: [String], example: ['ai:read'] }) scopes: string[];
  @ApiProperty({ type: [LedgerEntryDto], description: 'Most recent credit movements, newest first.' }) ledger: LedgerEntryDto[];
}

class AccountResponseDto {
  @ApiProperty({ type: AccountDataDto }) data: AccountDataDto;
  @ApiProperty({ example: { request_id: 'req_5f0c6f7e-3c1a-4b8e-9d55-0b1f2a3c4d5e' } }) meta: { request_id: string };
}

const MAX_LEDGER = 100;

/** The caller's own account: plan, balance and recent credit movements. Free of charge, any valid key. */
@ApiTags('Account')
@Controller(['api/v1/account', 'v1/account'])
export class AccountController {
  constructor(private readonly credits: CreditsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Plan, credit balance and recent credit movements of the calling key\'s account (no credits charged)' })
  @ApiQuery({ name: 'ledger', required: false, description: `How many recent ledger entries to include (0-${MAX_LEDGER}, default 20).` })
  @ApiOkResponse({ type: AccountResponseDto })
  async show(
    @CurrentPrincipal() principal: Principal,
    @RequestContext() info: { requestId: string },
    @Query('ledger') ledgerParam?: string,
  ): Promise<AccountResponseDto> {
    const limit = parseLimit(ledgerParam);
    const [balance, ledger] = await Promise.all([this.credits.balance(principal.accountId), this.credits.recentLedger(principal.accountId, limit)]);
    return {
      data: {
        account: principal.accountName,
        plan: principal.plan,
        credits_remaining: balance,
        key_prefix: principal.keyPrefix,
        scopes: principal.scopes,
        ledger: ledger.map((row) => ({
          delta: row.delta,
          balance_after: row.balanceAfter,
          reason: row.reason,
          request_id: row.requestId,
          created_at: new Date(row.createdAt).toISOString(),
        })),
      },
      meta: { request_id: info.requestId },
    };
  }
}

function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '') return 20;
  if (!/^\d+$/.test(value) || Number(value) > MAX_LEDGER) {
    throw new ApiError(400, 'invalid_request', `ledger must be an integer between 0 and ${MAX_LEDGER}`, [{ field: 'ledger', message: `must be an integer between 0 and ${MAX_LEDGER}` }]);
  }
  return Number(value);
}
