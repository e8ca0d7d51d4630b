import { benchAccount } from '../login/bench-account.ts';

export interface BenchUser {
  id: number;
  username: string;
  email: string;
}

/** The user ssokit's scenarios sign in as, so every scenario sends byte-identical responses. */
export const benchUser: BenchUser = {
  id: 1,
  username: benchAccount(0).username,
  email: benchAccount(0).email,
};
