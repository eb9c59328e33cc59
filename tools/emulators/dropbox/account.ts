// users/get_current_account (FullAccount, users.stone), users/get_space_usage (SpaceUsage) and auth/token/revoke:
// routes that take no argument (a Void argument: no body, or the JSON null).
import type { Call, DropboxContext, Reply } from './context.js';

export function currentAccount(ctx: DropboxContext): Reply {
  const [given = '', ...rest] = ctx.account.displayName.split(' ');
  const surname = rest.join(' ');
  return {
    json: {
      account_id: ctx.account.accountId,
      name: {
        given_name: given,
        surname,
        familiar_name: given,
        display_name: ctx.account.displayName,
        abbreviated_name: `${given.charAt(0)}${surname.charAt(0)}`,
      },
      email: ctx.account.email,
      email_verified: true,
      disabled: false,
      country: 'PL',
      locale: 'pl',
      referral_link: 'https://www.dropbox.com/referrals/emulator',
      is_paired: false,
      account_type: { '.tag': 'basic' },
      root_info: { '.tag': 'user', root_namespace_id: '3235641', home_namespace_id: '3235641' },
    },
  };
}

export function spaceUsage(ctx: DropboxContext): Reply {
  const allocated = Number.isFinite(ctx.storageLimitBytes) ? ctx.storageLimitBytes : 2 * 1024 ** 4;
  return { json: { used: ctx.store.usedBytes(), allocation: { '.tag': 'individual', allocated } } };
}

export function revokeToken(ctx: DropboxContext, call: Call): Reply {
  ctx.oauth.revoke(call.accessToken);
  return { json: null };
}
