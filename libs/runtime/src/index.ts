export { ConfigError, type ConfigProblem } from './config-error';
export { ConfigProblems } from './config-problems';
export { loadConfig, type EnvSource } from './load-config';
export { configFields } from './config-fields';
export { createLogger, type Logger, type LoggerOptions } from './logger';
export { createMetricsRegistry, Counter, Gauge, Histogram, Registry, Summary } from './metrics-registry';
export { startHealthServer, type HealthServer, type HealthServerOptions, type ReadinessCheck } from './health-server';
export { runMain, type RunMainOptions, type RunningApp } from './process-lifecycle';
export { startAppShell, type AppShell, type AppShellOptions } from './app-shell';
