import { djangoJsonDate, type PythonJsonValue } from '@ssokit/protocol';
import type { Account } from './account.ts';

/** The user object sent to clients in `{"user": {...}}`. */
export type UserJson = { readonly [key: string]: PythonJsonValue };

/** Replaces the default user JSON, e.g. to add fields or leave some out. */
export type UserToJson = (account: Account) => UserJson | Promise<UserJson>;

/**
 * The original's default: Django's serialisation of the user model without `password` and
 * `user_permissions`. Key order follows Django's field order (`id`, then the model's own
 * fields, then `groups`), as the recorded transcripts show, so the bytes match.
 */
export function defaultUserToJson(account: Account): UserJson {
  return {
    id: account.id,
    last_login: account.lastLogin === null ? null : djangoJsonDate(account.lastLogin),
    is_superuser: account.isSuperuser,
    username: account.username,
    first_name: account.firstName,
    last_name: account.lastName,
    email: account.email,
    is_staff: account.isStaff,
    is_active: account.isActive,
    date_joined: djangoJsonDate(account.dateJoined),
    groups: [...account.groups],
  };
}
