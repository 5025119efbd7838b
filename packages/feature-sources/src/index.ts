// The public API of @nfd/feature-sources arrives with issue #4; until then this package exports nothing.
export {};
