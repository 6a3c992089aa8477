// Public API of @eventpath/archive. Nothing is exported yet.
export {};
