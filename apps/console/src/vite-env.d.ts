/// <reference types="vite/client" />

/** A language's message catalogue, compiled at build time (vite.config.mts). */
declare module 'virtual:hub-catalogue/*' {
  const messages: import('@lingui/core').Messages;
  export default messages;
}
