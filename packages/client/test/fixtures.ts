import type { OriginalUser } from './original-dj-sso-server.ts';

/** The credentials of the transcripts' client (fixtures/transcripts/*.json). */
export const API_KEY = '5f159b82';
export const SECRET_KEY = '6a4eeaea54d54f51af703e79c6096d51';

/** The transcripts' users, fields in `model_to_dict` order. */
export function transcriptUsers(): OriginalUser[] {
  const user = (
    id: number,
    username: string,
    password: string,
    first: string,
    last: string,
  ): OriginalUser => ({
    id,
    last_login: null,
    is_superuser: false,
    username,
    password,
    first_name: first,
    last_name: last,
    email: `${username}@example.com`,
    is_staff: false,
    is_active: true,
    date_joined: '2026-11-29T14:19:10.871Z',
    groups: [],
  });
  return [user(1, 'user1', '123', 'User', 'One'), user(2, 'user2', '456', 'User', 'Two')];
}
