/** A one-shot loopback listener for the OAuth redirect (RFC 8252 §7.3). Implemented by adapters/loopback-callback.ts. */
export interface CallbackListener {
  /** http://127.0.0.1:<os-assigned port>/callback */
  readonly redirectUri: string;
  /** resolves with the first callback URL `accept` took; rejects on timeout or close */
  readonly result: Promise<URL>;
  close(): void;
}

export interface CallbackListenerOptions {
  timeoutMs: number;
  /** decides per request: 'accept' ends the flow with this URL; 'ignore' answers 400 and keeps waiting */
  accept(url: URL): 'accept' | 'ignore';
  signal?: AbortSignal;
}

export type CallbackListenerFactory = (opts: CallbackListenerOptions) => Promise<CallbackListener>;
