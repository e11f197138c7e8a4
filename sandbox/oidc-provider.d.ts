/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// oidc-provider ships no type declarations; the sandbox uses it dynamically.
declare module 'oidc-provider' {
  const Provider: any;
  export default Provider;
  export const errors: any;
  export const interactionPolicy: any;
}
