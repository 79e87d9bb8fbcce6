//! The tidy schema: table and column names, and the metric catalog (unit and direction of
//! every metric). This is the contract with users reading the dataset from DuckDB, pandas or
//! Polars; bump [`SCHEMA_VERSION`] on any incompatible change.

/// Version of the on-disk schema, stored in every Parquet footer as `tidybench.schema_version`.
pub const SCHEMA_VERSION: &str = "1";

/// Footer key holding [`SCHEMA_VERSION`].
pub const META_SCHEMA_VERSION: &str = "tidybench.schema_version";
/// Footer key holding the version of tidybench that wrote the file.
pub const META_WRITER_VERSION: &str = "tidybench.version";
/// Footer key holding the source paths (a JSON array) the file was converted from.
pub const META_SOURCES: &str = "tidybench.sources";

/// Columns of the `runs` table, in order.
pub mod runs {
    /// Stable hash of the source identity and the run's position in it.
    pub const RUN_ID: &str = "run_id";
    /// Path of the file the run was read from, as given.
    pub const SOURCE_PATH: &str = "source_path";
    /// Name of the input format (see `tidybench formats`).
    pub const SOURCE_FORMAT: &str = "source_format";
    /// SHA-256 of the source file's bytes.
    pub const SOURCE_SHA256: &str = "source_sha256";
    /// Benchmark harness ("guidellm", "vllm-bench").
    pub const HARNESS: &str = "harness";
    /// Harness version when the source says it.
    pub const HARNESS_VERSION: &str = "harness_version";
    /// Model served.
    pub const MODEL: &str = "model";
    /// Treatment label, e.g. "no-offload".
    pub const CONFIG: &str = "config";
    /// Hardware label, e.g. "1x2xL40S".
    pub const HARDWARE: &str = "hardware";
    /// Software label, e.g. "upstream-llm-d-0.4.0".
    pub const SOFTWARE: &str = "software";
    /// Number of serving replicas.
    pub const REPLICAS: &str = "replicas";
    /// vLLM `--gpu-memory-utilization`.
    pub const GPU_MEMORY_UTILIZATION: &str = "gpu_memory_utilization";
    /// KV connector named in `--kv-transfer-config`.
    pub const KV_CONNECTOR: &str = "kv_connector";
    /// CPU KV blocks given to the offloading connector.
    pub const NUM_CPU_BLOCKS: &str = "num_cpu_blocks";
    /// Extra vLLM arguments, verbatim.
    pub const VLLM_ARGS: &str = "vllm_args";
    /// Endpoint picker backend of llm-d.
    pub const EPP_BACKEND: &str = "epp_backend";
    /// Prompt tokens per request in the workload spec.
    pub const PROMPT_TOKENS: &str = "prompt_tokens";
    /// Output tokens per request in the workload spec.
    pub const OUTPUT_TOKENS: &str = "output_tokens";
    /// Shared prefix tokens in the workload spec.
    pub const PREFIX_TOKENS: &str = "prefix_tokens";
    /// Turns per conversation in the workload spec.
    pub const TURNS: &str = "turns";
    /// Duration limit per load point, seconds.
    pub const MAX_SECONDS: &str = "max_seconds";
    /// Random seed of the workload generator.
    pub const RANDOM_SEED: &str = "random_seed";
    /// Load type of the run ("concurrent", "constant", "poisson", "sweep", ...).
    pub const RATE_TYPE: &str = "rate_type";
    /// Every other label found, as a JSON object string.
    pub const LABELS: &str = "labels";
    /// When the run started (UTC).
    pub const STARTED_AT: &str = "started_at";
    /// When the run ended (UTC).
    pub const ENDED_AT: &str = "ended_at";
}

/// Columns of the `metrics` table, in order.
pub mod metrics {
    /// The run the number belongs to (joins `runs.run_id`).
    pub const RUN_ID: &str = "run_id";
    /// Model served (copied from the run).
    pub const MODEL: &str = "model";
    /// Treatment label (copied from the run).
    pub const CONFIG: &str = "config";
    /// Load strategy of the load point ("concurrent", "constant", "poisson", ...).
    pub const STRATEGY: &str = "strategy";
    /// Concurrency or request rate of the load point; null when the source does not say.
    pub const LOAD: &str = "load";
    /// Position of the load point within the run, from 0.
    pub const LOAD_INDEX: &str = "load_index";
    /// Metric name from the catalog.
    pub const METRIC: &str = "metric";
    /// Request status the number covers.
    pub const STATUS: &str = "status";
    /// Statistic ("mean", "median", "p95", "sum", "value", ...).
    pub const STAT: &str = "stat";
    /// The number.
    pub const VALUE: &str = "value";
    /// Unit of the number.
    pub const UNIT: &str = "unit";
    /// Digits after the decimal point when read from rounded console text; null at full precision.
    pub const DECIMALS: &str = "decimals";
    /// Where in the source the number was read (line number or JSON path).
    pub const ORIGIN: &str = "origin";
}

/// Columns of the `requests` table, in order.
pub mod requests {
    /// The run the request belongs to.
    pub const RUN_ID: &str = "run_id";
    /// Model served (a hive partition of the dataset).
    pub const MODEL: &str = "model";
    /// Treatment label (a hive partition of the dataset).
    pub const CONFIG: &str = "config";
    /// Position of the request's load point within the run.
    pub const LOAD_INDEX: &str = "load_index";
    /// The harness's request id.
    pub const REQUEST_ID: &str = "request_id";
    /// "successful", "errored" or "incomplete".
    pub const STATUS: &str = "status";
    /// Start (UTC).
    pub const START_TIME: &str = "start_time";
    /// End (UTC).
    pub const END_TIME: &str = "end_time";
    /// End-to-end latency, seconds.
    pub const LATENCY_S: &str = "latency_s";
    /// Time to first token, milliseconds.
    pub const TTFT_MS: &str = "ttft_ms";
    /// Mean inter-token latency, milliseconds.
    pub const ITL_MS: &str = "itl_ms";
    /// Mean time per output token, milliseconds.
    pub const TPOT_MS: &str = "tpot_ms";
    /// Prompt tokens.
    pub const PROMPT_TOKENS: &str = "prompt_tokens";
    /// Output tokens.
    pub const OUTPUT_TOKENS: &str = "output_tokens";
    /// Turn within a multi-turn conversation, from 0.
    pub const TURN: &str = "turn";
    /// Conversation id.
    pub const CONVERSATION_ID: &str = "conversation_id";
    /// Error text of a failed request.
    pub const ERROR: &str = "error";
    /// Prompt or request body (null unless converted with `--keep-text`).
    pub const PROMPT_TEXT: &str = "prompt_text";
    /// Generated text (null unless converted with `--keep-text`).
    pub const OUTPUT_TEXT: &str = "output_text";
}

/// Columns of the `server_samples` table, in order.
pub mod server_samples {
    /// The run the sample belongs to (joins `runs.run_id`).
    pub const RUN_ID: &str = "run_id";
    /// Model served (copied from the run).
    pub const MODEL: &str = "model";
    /// Treatment label (copied from the run).
    pub const CONFIG: &str = "config";
    /// The vLLM server log the sample was read from.
    pub const SOURCE_PATH: &str = "source_path";
    /// 1-based line of the log.
    pub const LINE: &str = "line";
    /// The time as the log printed it (`MM-DD hh:mm:ss`; vLLM prints no year).
    pub const LOG_TIME: &str = "log_time";
    /// When the sample was taken (UTC); null when the year is not known.
    pub const TIMESTAMP: &str = "timestamp";
    /// Engine of a V1 stats line ("0", "1", or "aggregated"); null for V0 lines.
    pub const ENGINE: &str = "engine";
    /// Metric name (see the catalog).
    pub const METRIC: &str = "metric";
    /// The number.
    pub const VALUE: &str = "value";
    /// Its unit.
    pub const UNIT: &str = "unit";
    /// Whether it was taken while the run's benchmark ran; null when unknown.
    pub const DURING_RUN: &str = "during_run";
}

/// Columns of the `metrics` table, in order.
pub const METRICS_COLUMNS: [&str; 13] = [
    metrics::RUN_ID,
    metrics::MODEL,
    metrics::CONFIG,
    metrics::STRATEGY,
    metrics::LOAD,
    metrics::LOAD_INDEX,
    metrics::METRIC,
    metrics::STATUS,
    metrics::STAT,
    metrics::VALUE,
    metrics::UNIT,
    metrics::DECIMALS,
    metrics::ORIGIN,
];

/// Columns of the `requests` table, in order.
pub const REQUESTS_COLUMNS: [&str; 19] = [
    requests::RUN_ID,
    requests::MODEL,
    requests::CONFIG,
    requests::LOAD_INDEX,
    requests::REQUEST_ID,
    requests::STATUS,
    requests::START_TIME,
    requests::END_TIME,
    requests::LATENCY_S,
    requests::TTFT_MS,
    requests::ITL_MS,
    requests::TPOT_MS,
    requests::PROMPT_TOKENS,
    requests::OUTPUT_TOKENS,
    requests::TURN,
    requests::CONVERSATION_ID,
    requests::ERROR,
    requests::PROMPT_TEXT,
    requests::OUTPUT_TEXT,
];

/// Columns of the `server_samples` table, in order.
pub const SERVER_SAMPLES_COLUMNS: [&str; 12] = [
    server_samples::RUN_ID,
    server_samples::MODEL,
    server_samples::CONFIG,
    server_samples::SOURCE_PATH,
    server_samples::LINE,
    server_samples::LOG_TIME,
    server_samples::TIMESTAMP,
    server_samples::ENGINE,
    server_samples::METRIC,
    server_samples::VALUE,
    server_samples::UNIT,
    server_samples::DURING_RUN,
];

/// Whether a larger value of a metric is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Throughputs: more is better.
    HigherIsBetter,
    /// Latencies: less is better.
    LowerIsBetter,
    /// Counts and descriptive values: no verdict.
    Neutral,
}

impl Direction {
    /// Short name used in reports ("higher", "lower", "none").
    pub fn name(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
            Direction::Neutral => "none",
        }
    }
}

/// One entry of the metric catalog.
#[derive(Debug, Clone, Copy)]
pub struct MetricInfo {
    /// Metric name as stored in `metrics.metric`.
    pub name: &'static str,
    /// Unit of its values.
    pub unit: &'static str,
    /// Which way is better.
    pub direction: Direction,
    /// Human label for reports.
    pub label: &'static str,
}

const fn m(
    name: &'static str,
    unit: &'static str,
    direction: Direction,
    label: &'static str,
) -> MetricInfo {
    MetricInfo {
        name,
        unit,
        direction,
        label,
    }
}

use Direction::{HigherIsBetter as Up, LowerIsBetter as Down, Neutral};

/// Every metric tidybench writes, with unit and direction (client metrics, then the vLLM
/// server's).
pub const CATALOG: &[MetricInfo] = &[
    m("request_latency", "s", Down, "Request latency"),
    m(
        "request_dispatch_delay",
        "s",
        Down,
        "Delay from scheduled to dispatched",
    ),
    m(
        "request_scheduled_latency",
        "s",
        Down,
        "Latency from scheduled to completed",
    ),
    m(
        "turn_scheduling_delay",
        "s",
        Down,
        "Delay scheduling the next turn",
    ),
    m(
        "turn_predecessor_delay",
        "s",
        Down,
        "Delay after the previous turn",
    ),
    m(
        "request_goodput",
        "req/s",
        Up,
        "Requests per second meeting the goodput targets",
    ),
    m(
        "client_queue_time",
        "ms",
        Down,
        "Wait in the client's queue (under a concurrency limit)",
    ),
    m(
        "request_latency_including_client_queue",
        "s",
        Down,
        "Request latency including the client's queue",
    ),
    m("ttft", "ms", Down, "Time to first token"),
    m("ttfot", "ms", Down, "Time to first output token"),
    m("itl", "ms", Down, "Inter-token latency"),
    m("tpot", "ms", Down, "Time per output token"),
    m("requests_per_second", "req/s", Up, "Requests per second"),
    m("concurrency", "1", Neutral, "Concurrent requests"),
    m(
        "input_tokens_per_second",
        "tok/s",
        Up,
        "Input tokens per second",
    ),
    m(
        "output_tokens_per_second",
        "tok/s",
        Up,
        "Output tokens per second",
    ),
    m(
        "total_tokens_per_second",
        "tok/s",
        Up,
        "Total tokens per second",
    ),
    m("prompt_tokens", "tok", Neutral, "Prompt tokens"),
    m("output_tokens", "tok", Neutral, "Output tokens"),
    m("total_tokens", "tok", Neutral, "Total tokens"),
    m(
        "streaming_iterations",
        "1",
        Neutral,
        "Streaming iterations per request",
    ),
    m(
        "output_tokens_per_iteration",
        "tok",
        Neutral,
        "Output tokens per streaming iteration",
    ),
    m("requests", "1", Neutral, "Requests"),
    m("text_input_tokens", "tok", Neutral, "Input text tokens"),
    m(
        "text_input_tokens_per_second",
        "tok/s",
        Up,
        "Input text tokens per second",
    ),
    m("text_input_words", "word", Neutral, "Input words"),
    m(
        "text_input_words_per_second",
        "word/s",
        Up,
        "Input words per second",
    ),
    m("text_input_characters", "char", Neutral, "Input characters"),
    m(
        "text_input_characters_per_second",
        "char/s",
        Up,
        "Input characters per second",
    ),
    m("text_output_tokens", "tok", Neutral, "Output text tokens"),
    m(
        "text_output_tokens_per_second",
        "tok/s",
        Up,
        "Output text tokens per second",
    ),
    m("text_output_words", "word", Neutral, "Output words"),
    m(
        "text_output_words_per_second",
        "word/s",
        Up,
        "Output words per second",
    ),
    m(
        "text_output_characters",
        "char",
        Neutral,
        "Output characters",
    ),
    m(
        "text_output_characters_per_second",
        "char/s",
        Up,
        "Output characters per second",
    ),
    m("text_total_tokens", "tok", Neutral, "Total text tokens"),
    m(
        "text_total_tokens_per_second",
        "tok/s",
        Up,
        "Total text tokens per second",
    ),
    m(
        "text_input_tokens_concurrency",
        "tok",
        Neutral,
        "Input text tokens in flight",
    ),
    m(
        "text_output_tokens_concurrency",
        "tok",
        Neutral,
        "Output text tokens in flight",
    ),
    m(
        "text_total_tokens_concurrency",
        "tok",
        Neutral,
        "Total text tokens in flight",
    ),
    m("text_total_words", "word", Neutral, "Total text words"),
    m(
        "text_total_words_per_second",
        "word/s",
        Up,
        "Total text words per second",
    ),
    m(
        "text_input_words_concurrency",
        "word",
        Neutral,
        "Input text words in flight",
    ),
    m(
        "text_output_words_concurrency",
        "word",
        Neutral,
        "Output text words in flight",
    ),
    m(
        "text_total_words_concurrency",
        "word",
        Neutral,
        "Total text words in flight",
    ),
    m(
        "text_total_characters",
        "char",
        Neutral,
        "Total text characters",
    ),
    m(
        "text_total_characters_per_second",
        "char/s",
        Up,
        "Total text characters per second",
    ),
    m(
        "text_input_characters_concurrency",
        "char",
        Neutral,
        "Input text characters in flight",
    ),
    m(
        "text_output_characters_concurrency",
        "char",
        Neutral,
        "Output text characters in flight",
    ),
    m(
        "text_total_characters_concurrency",
        "char",
        Neutral,
        "Total text characters in flight",
    ),
    m(
        "iter_tokens_per_iteration",
        "tok",
        Neutral,
        "Tokens per streaming iteration",
    ),
    m(
        "root_dispatch_delay",
        "s",
        Down,
        "Dispatch delay of a conversation's first request",
    ),
    m("duration", "s", Neutral, "Measured duration"),
    m("warmup_duration", "s", Neutral, "Warm-up duration"),
    m("cooldown_duration", "s", Neutral, "Cool-down duration"),
    m("start_time", "s", Neutral, "Start (Unix time)"),
    m("end_time", "s", Neutral, "End (Unix time)"),
    m(
        "start_time_of_day",
        "s",
        Neutral,
        "Start (seconds after midnight, date unknown)",
    ),
    m(
        "end_time_of_day",
        "s",
        Neutral,
        "End (seconds after midnight, date unknown)",
    ),
    m("gpu_kv_cache_usage", "%", Neutral, "GPU KV cache usage"),
    m("cpu_kv_cache_usage", "%", Neutral, "CPU KV cache usage"),
    m("prefix_cache_hit_rate", "%", Up, "Prefix cache hit rate"),
    m(
        "gpu_prefix_cache_hit_rate",
        "%",
        Up,
        "GPU prefix cache hit rate",
    ),
    m(
        "cpu_prefix_cache_hit_rate",
        "%",
        Up,
        "CPU prefix cache hit rate",
    ),
    m(
        "external_prefix_cache_hit_rate",
        "%",
        Up,
        "External (connector) prefix cache hit rate",
    ),
    m("mm_cache_hit_rate", "%", Up, "Multi-modal cache hit rate"),
    m("running_requests", "requests", Neutral, "Running requests"),
    m("waiting_requests", "requests", Down, "Waiting requests"),
    m("swapped_requests", "requests", Down, "Swapped requests"),
    m("deferred_requests", "requests", Down, "Deferred requests"),
    m("preemptions", "", Down, "Preemptions"),
    m("corrupted_requests", "requests", Down, "Corrupted requests"),
    m(
        "prompt_throughput",
        "tokens/s",
        Neutral,
        "Server prompt throughput",
    ),
    m(
        "generation_throughput",
        "tokens/s",
        Up,
        "Server generation throughput",
    ),
    m(
        "spec_draft_acceptance_rate",
        "%",
        Up,
        "Speculative draft acceptance rate",
    ),
    m(
        "spec_mean_acceptance_length",
        "",
        Up,
        "Speculative mean acceptance length",
    ),
];

/// The catalog entry of `name`, if it is a known metric.
pub fn metric_info(name: &str) -> Option<&'static MetricInfo> {
    CATALOG.iter().find(|info| info.name == name)
}

/// Direction of `name`; unknown metrics are neutral (never guessed from the name).
pub fn direction(name: &str) -> Direction {
    metric_info(name).map_or(Direction::Neutral, |info| info.direction)
}
