export * from './redis';
export * from './gcs-emulator';
