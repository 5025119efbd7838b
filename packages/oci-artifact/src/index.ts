// The public API of @nfd/oci-artifact arrives with issue #5; until then this package exports nothing.
export {};
