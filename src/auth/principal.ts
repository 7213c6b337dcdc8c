import type { Plan } from '../persistence/entities/account.entity';

/** Who is calling: resolved from the API key by the authentication guard. */
export interface Principal {
  keyId: string;
  keyPrefix: string;
  accountId: string;
  accountName: string;
  plan: Plan;
  scopes: string[];
}

export interface RequestWithPrincipal {
  principal?: Principal;
}
