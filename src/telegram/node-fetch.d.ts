// node-fetch 2 (grammY's own fetch on Node) ships no types; its fetch is called like the global one, and its
// Response has what api-fetch.ts and grammY read (status, clone, json).
declare module 'node-fetch' {
  const fetch: typeof globalThis.fetch;
  export default fetch;
}
