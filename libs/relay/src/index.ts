// Public API of @eventpath/relay. Nothing is exported yet.
export {};
