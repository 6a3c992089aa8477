// Public API of @eventpath/ingest. Nothing is exported yet.
export {};
