// The archiver's configuration: a YAML or JSON file named by ARCHIVER_CONFIG,
// with environment overrides for the common keys. See README "Configuration".
export { loadArchiverConfig, parseArchiverConfig, BUILT_IN_TOPIC_DEFAULTS, type ArchiverConfig, type TopicRule } from './config/archiver-config';
export { configFileSchema, type ConfigFile } from './config/config-file-schema';
export { resolveTopics, type ResolvedTopic } from './config/topic-resolution';
