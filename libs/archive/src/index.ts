// Public API of @eventpath/archive: Kafka → time-partitioned Parquet → object storage (Sakaar).

// Time partitioning
export { DatePattern, InvalidDatePatternError } from './time/date-pattern';
export { TimePartitioner, DEFAULT_WINDOW_MS, assertTimeZone, type TimePartition, type TimePartitionerOptions } from './time/time-partitioner';

// Records
export { TimestampSource, type EpochUnit, type TimestampResult, type TimestampSourceConfig } from './records/timestamp-source';
export type { PartitionLease } from './records/partition-lease';

// Files
export type { LateEventPolicy, TopicArchiveSettings } from './files/topic-archive-settings';
export { MemoryBudget, type FileMemoryView, type MemoryBudgetOptions } from './files/memory-budget';
export { OpenArchiveFile, type CloseReason, type RowBatch } from './files/open-archive-file';
export type { FinalizedArchiveFile } from './files/finalized-archive-file';
export { FileRoller, type FileEvent, type FileRollerOptions, type RejectedRow, type WriteResult, type WriteTarget } from './files/file-roller';
export { PartitionClocks } from './files/partition-clocks';
export { PendingRecords } from './files/pending-records';
export {
  ARCHIVE_METADATA_KEYS,
  MAX_OBJECT_METADATA_OFFSETS_CHARS,
  accountMetadata,
  objectMetadataFor,
  readAccount,
  type ArchiveFileAccount,
} from './files/archive-file-metadata';
export { OffsetRuns } from './offsets/offset-runs';

// Names
export {
  DEAD_LETTER_EXTENSION,
  DEAD_LETTER_PREFIX,
  PARQUET_EXTENSION,
  archiveObjectName,
  deadLetterObjectName,
  deadLetterTopicPrefix,
  padOffset,
  parseArchiveObjectName,
  topicPrefix,
  type ArchiveObjectName,
} from './naming/object-names';

// Upload
export { ArchiveUploader, PARQUET_CONTENT_TYPE, type ArchiveUploaderOptions, type UploadReport, type UploadRetryOptions } from './upload/archive-uploader';
export { placeObject, UploadIntegrityError, type Placement, type PlacementOutcome, type PlacedContent } from './upload/object-placement';
export { crc32cOf, crc32cOfFile } from './upload/crc32c-of-file';

// Dead letters
export type { DeadLetter, DeadLetterBatch, DeadLetterReason } from './dead-letters/dead-letter';
export type { DeadLetterWriter } from './dead-letters/dead-letter-writer';
export { StoreDeadLetterWriter, DEAD_LETTER_CONTENT_TYPE, DEAD_LETTER_REASONS_KEY } from './dead-letters/store-dead-letter-writer';
export { KafkaDeadLetterWriter, DEAD_LETTER_HEADERS } from './dead-letters/kafka-dead-letter-writer';
export { parseDeadLetterLines, toDeadLetterLines, type DeadLetterLine } from './dead-letters/dead-letter-lines';

// Pipeline
export { startArchivePipeline, type ArchivePipeline, type ArchivePipelineOptions, type UploadItem } from './pipeline/archive-pipeline';
export { KafkaBatchSource, type ConsumerGroupPlan, type KafkaBatchSourceOptions } from './pipeline/kafka-batch-source';
export { RecordConverter, type ConversionCounts, type ConversionResult, type MessageTypeLookup } from './pipeline/record-converter';
export { ArchiverMetrics } from './pipeline/archiver-metrics';
export { prepareWorkDirectory, WorkDirectoryInUseError } from './pipeline/work-directory';
export type { BatchItem, ReadItem, TickItem } from './pipeline/read-item';

// Footers and audit
export { parseFooter, footerLength, type ParquetFooterSummary } from './footers/parquet-footer';
export { tailReaderFor, type TailReader, type TailReaderOptions } from './audit/tail-reader';
export { readFooter } from './audit/footer-reader';
export { inventoryArchive, type AccountSource, type InventoriedObject, type InventoryOptions } from './audit/archive-inventory';
export { computeCoverage, type AccountedObject, type DuplicatedRange, type OffsetRange, type PartitionCoverage } from './audit/offset-coverage';
export { expectedOffsets, type ExpectedOffsetsOptions, type ExpectedPartitionOffsets } from './audit/expected-offsets';
export { kafkaDeadLetterOffsets } from './audit/kafka-dead-letters';
export { auditArchive, type AuditOptions, type AuditReport, type PartitionAudit } from './audit/audit-archive';
export { formatAuditReport } from './audit/audit-report-text';
