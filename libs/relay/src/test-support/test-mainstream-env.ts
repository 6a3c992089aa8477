/** Set by the global setup: bootstrap of the run's shared mainstream cluster. */
export const TEST_MAINSTREAM_ENV = 'EVENTPATH_RELAY_TEST_MAINSTREAM';
