// The public API of @nfd/matcher arrives with issue #3; until then this package exports nothing.
export {};
