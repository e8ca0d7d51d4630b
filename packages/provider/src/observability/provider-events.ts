/**
 * What the provider tells its observers (metrics, the audit trail). Every field is bounded or
 * names a thing an operator chose (a username, an API key, an address); none is a password,
 * secret or token, so an event can be logged and stored as it is.
 */
export type SignInOutcome =
  | 'success'
  | 'wrong_password'
  | 'unknown_user'
  | 'inactive_user'
  | 'missing_fields'
  | 'rate_limited'
  | 'unavailable';

/** The signed back-channel endpoints, by the original's names. */
export type SignedCallEndpoint = 'reqeusttoken' | 'authtoken';

export type ProviderEvent =
  | {
      type: 'sign_in';
      outcome: SignInOutcome;
      username: string | null;
      address: string;
      /** Which form: the provider's own `/login/` or the SSO page of a client app. */
      via: 'provider' | 'sso';
      apiKey: string | null;
    }
  | { type: 'continue_as'; username: string; address: string; apiKey: string }
  | { type: 'sign_out'; username: string | null; address: string }
  | { type: 'token_issued'; apiKey: string }
  | { type: 'token_redeemed'; apiKey: string; username: string }
  /** `outcome` is `ok` or the error code of the refusal (bounded: the codes of `SsoErrorCode`). */
  | { type: 'signed_call'; endpoint: SignedCallEndpoint; outcome: string; apiKey: string | null }
  | { type: 'client_registered'; apiKey: string; host: string }
  | { type: 'client_removed'; apiKey: string }
  | { type: 'client_secret_rotated'; apiKey: string }
  | { type: 'client_old_secrets_retired'; apiKey: string }
  | { type: 'account_added'; username: string }
  | { type: 'account_removed'; username: string }
  | { type: 'account_deactivated'; username: string }
  | { type: 'account_activated'; username: string }
  | { type: 'account_password_changed'; username: string }
  /** Names, email or the staff flag changed (`AccountStore.update`). */
  | { type: 'account_changed'; username: string }
  /** A user's provider sessions ended; `outcome` is the reason (`admin-logout`, `password-changed`, …). */
  | { type: 'sessions_ended'; username: string; outcome: string }
  /**
   * A logout notice reached its client app (2xx). `username` is null when the account is gone
   * (a removal's notice); `seconds` is the delivery's time, for the metrics.
   */
  | { type: 'logout_notice_delivered'; apiKey: string; username: string | null; seconds: number }
  /** One delivery failed and will be retried (metrics only, not audited: up to ~150 per notice). */
  | { type: 'logout_notice_failed'; apiKey: string; outcome: LogoutNoticeFailure; seconds: number }
  /** A notice was dropped: its retry window is over, or its client has no logout URL now. */
  | {
      type: 'logout_notice_given_up';
      apiKey: string;
      username: string | null;
      outcome: 'retry_window_over' | 'no_logout_url';
    };

/** Why one delivery of a logout notice failed (bounded, for a metric label). */
export type LogoutNoticeFailure = 'refused' | 'timeout' | 'unreachable';

export type ProviderEventType = ProviderEvent['type'];

/** Told of every event; must not throw and must not wait (it runs inside the request). */
export interface ProviderObserver {
  event(event: ProviderEvent): void;
}

/** The provider's fan-out: one `emit` that every observer hears. */
export interface ProviderEvents {
  emit(event: ProviderEvent): void;
  /** False when nobody listens: callers skip work done only for an event (a lookup). */
  readonly observed: boolean;
}

/** Fans out to the observers; one that throws is reported once and never breaks a request. */
export function providerEvents(
  observers: readonly ProviderObserver[],
  onObserverError: (error: unknown) => void = () => {},
): ProviderEvents {
  if (observers.length === 0) return { emit() {}, observed: false };
  return {
    observed: true,
    emit(event) {
      for (const observer of observers) {
        try {
          observer.event(event);
        } catch (error) {
          onObserverError(error);
        }
      }
    },
  };
}
