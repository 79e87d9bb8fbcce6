//! Records → Polars DataFrames with the tidy schema (the only place that builds the tables).

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::formats::{LoadPoint, RequestRecord, Run, ServerLog, ServerSample};
use crate::ingest::blob::hex;
use crate::schema::{metrics as m, requests as q, runs as r, server_samples as v};

/// The tables of a dataset, as lazy frames.
#[derive(Clone)]
pub struct Tables {
    /// One row per run.
    pub runs: LazyFrame,
    /// One row per observed number.
    pub metrics: LazyFrame,
    /// One row per request, when the sources recorded them.
    pub requests: LazyFrame,
    /// One row per number of a vLLM server's periodic stats, when a server log was given.
    pub server_samples: LazyFrame,
}

impl Tables {
    /// True when the metrics table reads and has no rows: the inputs measured nothing (a log
    /// cut before its result tables, server samples alone). False when it cannot be read.
    pub fn no_metric_rows(&self) -> bool {
        any_row(&self.metrics) == Some(false)
    }

    /// True when the server samples table reads and has rows.
    pub fn has_server_samples(&self) -> bool {
        any_row(&self.server_samples) == Some(true)
    }
}

/// Whether `frame` has a row; `None` when it cannot be read.
fn any_row(frame: &LazyFrame) -> Option<bool> {
    frame
        .clone()
        .limit(1)
        .collect()
        .ok()
        .map(|f| f.height() > 0)
}

/// Stable id of a run: hash of its source's content id and its position in that source (the
/// content id is quick to compute; the source's SHA-256 may still be under way).
pub fn run_id(run: &Run) -> String {
    let id = run.source_sha256.content_id();
    let digest = Sha256::digest(format!("{id:032x}:{}", run.position));
    hex(&digest[..8])
}

fn polars_err(table: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |e| Error::polars(format!("building the {table} table"), e)
}

/// The `runs` table of `runs`.
pub fn runs_frame(runs: &[Run]) -> Result<DataFrame> {
    let text = |f: &dyn Fn(&Run) -> Option<String>| -> Vec<Option<String>> {
        runs.iter().map(f).collect()
    };
    let int =
        |f: &dyn Fn(&Run) -> Option<i64>| -> Vec<Option<i64>> { runs.iter().map(f).collect() };
    let float =
        |f: &dyn Fn(&Run) -> Option<f64>| -> Vec<Option<f64>> { runs.iter().map(f).collect() };
    let time = |name: &str, f: &dyn Fn(&Run) -> Option<i64>| -> Result<Column> {
        let micros = Int64Chunked::from_iter_options(name.into(), runs.iter().map(f));
        Ok(micros
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
            .into_column())
    };
    let columns = vec![
        Column::new(r::RUN_ID.into(), text(&|x| Some(run_id(x)))),
        Column::new(
            r::SOURCE_PATH.into(),
            text(&|x| Some(x.source_path.display().to_string())),
        ),
        Column::new(
            r::SOURCE_FORMAT.into(),
            text(&|x| Some(x.source_format.clone())),
        ),
        Column::new(
            r::SOURCE_SHA256.into(),
            text(&|x| Some(x.source_sha256.get().to_string())),
        ),
        Column::new(r::HARNESS.into(), text(&|x| Some(x.harness.clone()))),
        Column::new(
            r::HARNESS_VERSION.into(),
            text(&|x| x.harness_version.clone()),
        ),
        Column::new(r::MODEL.into(), text(&|x| x.model.clone())),
        Column::new(r::CONFIG.into(), text(&|x| x.config.clone())),
        Column::new(r::HARDWARE.into(), text(&|x| x.labels.hardware.clone())),
        Column::new(r::SOFTWARE.into(), text(&|x| x.labels.software.clone())),
        Column::new(r::REPLICAS.into(), int(&|x| x.labels.replicas)),
        Column::new(
            r::GPU_MEMORY_UTILIZATION.into(),
            float(&|x| x.labels.gpu_memory_utilization),
        ),
        Column::new(
            r::KV_CONNECTOR.into(),
            text(&|x| x.labels.kv_connector.clone()),
        ),
        Column::new(r::NUM_CPU_BLOCKS.into(), int(&|x| x.labels.num_cpu_blocks)),
        Column::new(r::VLLM_ARGS.into(), text(&|x| x.labels.vllm_args.clone())),
        Column::new(
            r::EPP_BACKEND.into(),
            text(&|x| x.labels.epp_backend.clone()),
        ),
        Column::new(r::PROMPT_TOKENS.into(), int(&|x| x.labels.prompt_tokens)),
        Column::new(r::OUTPUT_TOKENS.into(), int(&|x| x.labels.output_tokens)),
        Column::new(r::PREFIX_TOKENS.into(), int(&|x| x.labels.prefix_tokens)),
        Column::new(r::TURNS.into(), int(&|x| x.labels.turns)),
        Column::new(r::MAX_SECONDS.into(), float(&|x| x.labels.max_seconds)),
        Column::new(r::RANDOM_SEED.into(), int(&|x| x.labels.random_seed)),
        Column::new(r::RATE_TYPE.into(), text(&|x| x.labels.rate_type.clone())),
        Column::new(
            r::LABELS.into(),
            text(&|x| serde_json::to_string(&x.extra_labels).ok()),
        ),
        time(r::STARTED_AT, &|x| x.started_at)?,
        time(r::ENDED_AT, &|x| x.ended_at)?,
    ];
    DataFrame::new_infer_height(columns).map_err(polars_err("runs"))
}

/// How a table's repeated text columns are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Strings, for queries.
    Strings,
    /// Enums of each column's distinct values, for storage: the Parquet writer stores an enum
    /// as its dictionary and per-row codes without hashing each row's text (the files still
    /// declare strings: see [`crate::store::parquet::write_atomic`]).
    Enums,
}

/// The `metrics` table of `runs`: one row per observation, denormalized with model and config.
pub fn metrics_frame(runs: &[Run]) -> Result<DataFrame> {
    metrics_table(runs, Text::Strings)
}

/// A table's rows built before their runs' ids, which wait for the hash of a source that may
/// still be under way: the table without its `run_id` column, and the run of each row (an
/// index into the runs it was built from).
pub struct Unnamed {
    table: &'static str,
    /// How its text columns were built.
    text: Text,
    frame: DataFrame,
    run_of_row: Vec<usize>,
}

impl Unnamed {
    /// The table with its `run_id` column first, built as its other text columns (an enum
    /// holds the ids of the rows' runs only, in the order they first appear). `runs` are the
    /// runs it was built from.
    pub fn named(self, runs: &[Run]) -> Result<DataFrame> {
        let mut slot: Vec<Option<IdxSize>> = vec![None; runs.len()];
        let mut ids = Vec::new();
        let mut rows = Vec::with_capacity(self.run_of_row.len());
        for &run in &self.run_of_row {
            let id = *slot[run].get_or_insert_with(|| {
                ids.push(run_id(&runs[run]));
                (ids.len() - 1) as IdxSize
            });
            rows.push(id);
        }
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut frame = self.frame;
        text_column(m::RUN_ID, ids, self.text)
            .and_then(|ids| ids.take_slice(&rows))
            .and_then(|column| frame.insert_column(0, column).map(|_| ()))
            .map_err(polars_err(self.table))?;
        Ok(frame)
    }
}

/// The `metrics` table of `runs` with its text columns built as `text` says.
pub fn metrics_table(runs: &[Run], text: Text) -> Result<DataFrame> {
    metrics_rows(runs, text)?.named(runs)
}

/// The rows of the `metrics` table of `runs` (see [`metrics_table`]).
pub fn metrics_rows(runs: &[Run], text: Text) -> Result<Unnamed> {
    let n: usize = runs
        .iter()
        .flat_map(|r| &r.load_points)
        .map(|p| p.observations.len())
        .sum();
    // An enum's dictionary goes whole into every row group of a file: a table of more rows
    // than a row group keeps strings, so that each group's dictionary and statistics hold only
    // its own values.
    let text = match text {
        Text::Enums if n > crate::store::parquet::ROW_GROUP_ROWS => Text::Strings,
        text => text,
    };
    // The origins are formatted on one thread while the other columns are gathered and built
    // on another.
    let origins = || {
        let mut origins = StringChunkedBuilder::new(m::ORIGIN.into(), n);
        // Written into one reused buffer: no text per number is kept in the records.
        let mut buffer = String::new();
        let observations = runs
            .iter()
            .flat_map(|r| &r.load_points)
            .flat_map(|p| &p.observations);
        for obs in observations {
            buffer.clear();
            obs.origin.write_into(&mut buffer);
            origins.append_value(&buffer);
        }
        origins.finish().into_column()
    };
    // The text columns repeat a few values: each is gathered from its distinct values by
    // index, which copies a 16-byte view per row instead of the text.
    let others = || -> PolarsResult<(Vec<Column>, Vec<usize>)> {
        let mut points = Points::default();
        let mut point_of_row = Vec::with_capacity(n);
        let [mut metrics, mut statuses, mut stats, mut units] =
            std::array::from_fn(|_| Distinct::with_capacity(n));
        let mut values = Vec::with_capacity(n);
        let mut decimals = Vec::with_capacity(n);
        for (run_index, run) in runs.iter().enumerate() {
            for (index, point) in run.load_points.iter().enumerate() {
                // Only points with rows: an enum column's values are those of its rows.
                if point.observations.is_empty() {
                    continue;
                }
                let row_point = points.push(run_index, run, point, index);
                for obs in &point.observations {
                    point_of_row.push(row_point);
                    metrics.push(&obs.metric);
                    statuses.push(&obs.status);
                    stats.push(&obs.stat);
                    units.push(&obs.unit);
                    values.push(obs.value);
                    decimals.push(obs.decimals.map(i32::from));
                }
            }
        }
        let by_point = |column: Column| column.take_slice(&point_of_row);
        // The runs of one partition share their model and config: one value, not a gather.
        let label = |name: &str, values: Vec<Option<&str>>| match values.split_first() {
            Some((first, rest)) if rest.iter().all(|v| v == first) => Ok(Column::new_scalar(
                name.into(),
                Scalar::new(
                    DataType::String,
                    first.map_or(AnyValue::Null, AnyValue::String).into_static(),
                ),
                n,
            )),
            _ => by_point(Column::new(name.into(), values)),
        };
        let columns = vec![
            label(m::MODEL, points.models)?,
            label(m::CONFIG, points.configs)?,
            by_point(text_column(m::STRATEGY, points.strategies, text)?)?,
            by_point(Column::new(m::LOAD.into(), points.loads))?,
            by_point(Column::new(m::LOAD_INDEX.into(), points.load_indexes))?,
            metrics.column(m::METRIC, text)?,
            statuses.column(m::STATUS, text)?,
            stats.column(m::STAT, text)?,
            Column::new(m::VALUE.into(), values),
            units.column(m::UNIT, text)?,
            Column::new(m::DECIMALS.into(), decimals),
        ];
        let run_of_row = point_of_row.iter().map(|&p| points.runs[p as usize]);
        Ok((columns, run_of_row.collect()))
    };
    let (columns, origins) = rayon::join(others, origins);
    let (mut columns, run_of_row) = columns.map_err(polars_err("metrics"))?;
    columns.push(origins);
    Ok(Unnamed {
        table: "metrics",
        text,
        frame: DataFrame::new_infer_height(columns).map_err(polars_err("metrics"))?,
        run_of_row,
    })
}

/// The per-load-point columns of the metrics table, one row per load point.
#[derive(Default)]
struct Points<'a> {
    runs: Vec<usize>,
    models: Vec<Option<&'a str>>,
    configs: Vec<Option<&'a str>>,
    strategies: Vec<&'a str>,
    loads: Vec<Option<f64>>,
    load_indexes: Vec<i32>,
}

impl<'a> Points<'a> {
    /// Adds the `index`th load point of `run` and returns its row.
    fn push(
        &mut self,
        run_index: usize,
        run: &'a Run,
        point: &'a LoadPoint,
        index: usize,
    ) -> IdxSize {
        self.runs.push(run_index);
        self.models.push(run.model.as_deref());
        self.configs.push(run.config.as_deref());
        self.strategies.push(&point.strategy);
        self.loads.push(point.load);
        self.load_indexes.push(index as i32);
        (self.runs.len() - 1) as IdxSize
    }
}

/// A text column as its distinct values and, per row, the index of its value.
struct Distinct<'a> {
    values: Vec<&'a str>,
    index: PlHashMap<&'a str, IdxSize>,
    /// The row of a value recently met, by its address.
    recent: [Option<IdxSize>; RECENT],
    rows: Vec<IdxSize>,
}

/// Slots of [`Distinct`]'s table of values recently met.
const RECENT: usize = 64;

impl<'a> Distinct<'a> {
    fn with_capacity(rows: usize) -> Self {
        Distinct {
            values: Vec::new(),
            index: PlHashMap::default(),
            recent: [None; RECENT],
            rows: Vec::with_capacity(rows),
        }
    }

    /// Appends a row holding `value`.
    fn push(&mut self, value: &'a str) {
        // Names the parsers borrow from the vocabulary share their address: a small table
        // keyed by address answers most rows before the hash map.
        let slot = (value.as_ptr() as usize >> 3) % RECENT;
        let row = match self.recent[slot] {
            Some(row) if std::ptr::eq(self.values[row as usize], value) => row,
            _ => {
                let row = *self.index.entry(value).or_insert_with(|| {
                    self.values.push(value);
                    (self.values.len() - 1) as IdxSize
                });
                self.recent[slot] = Some(row);
                row
            }
        };
        self.rows.push(row);
    }

    /// The column named `name`, built as `text` says.
    fn column(self, name: &str, text: Text) -> PolarsResult<Column> {
        text_column(name, self.values, text)?.take_slice(&self.rows)
    }
}

/// The text column `name` of `values`: strings, or an enum of its distinct values in the order
/// they first appear.
fn text_column(name: &str, values: Vec<&str>, text: Text) -> PolarsResult<Column> {
    let column = Column::new(name.into(), &values);
    if text == Text::Strings {
        return Ok(column);
    }
    let mut seen = PlHashSet::with_capacity(values.len());
    let distinct = values.iter().copied().filter(|v| seen.insert(*v));
    let categories = FrozenCategories::new(distinct)?;
    column.cast(&DataType::from_frozen_categories(categories))
}

/// The `requests` table of `runs`: one row per request record.
pub fn requests_frame(runs: &[Run]) -> Result<DataFrame> {
    requests_rows(runs)?.named(runs)
}

/// The rows of the `requests` table of `runs` (see [`requests_frame`]).
pub fn requests_rows(runs: &[Run]) -> Result<Unnamed> {
    let records: Vec<(usize, &Run, i32, &RequestRecord)> = runs
        .iter()
        .enumerate()
        .flat_map(|(run_index, run)| {
            run.load_points.iter().enumerate().flat_map(move |(i, p)| {
                p.requests
                    .iter()
                    .map(move |r| (run_index, run, i as i32, r))
            })
        })
        .collect();
    let text = |f: fn(&Run, &RequestRecord) -> Option<String>| -> Vec<Option<String>> {
        records.iter().map(|(_, run, _, r)| f(run, r)).collect()
    };
    let float = |f: fn(&RequestRecord) -> Option<f64>| -> Vec<Option<f64>> {
        records.iter().map(|(.., r)| f(r)).collect()
    };
    let int = |f: fn(&RequestRecord) -> Option<i64>| -> Vec<Option<i64>> {
        records.iter().map(|(.., r)| f(r)).collect()
    };
    let time = |name: &str, f: fn(&RequestRecord) -> Option<f64>| {
        let micros = records.iter().map(|(.., r)| {
            f(r).filter(|t| t.is_finite())
                .map(|t| (t * 1e6).round() as i64)
        });
        Int64Chunked::from_iter_options(name.into(), micros)
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
            .into_column()
    };
    let columns = vec![
        Column::new(q::MODEL.into(), text(|run, _| run.model.clone())),
        Column::new(q::CONFIG.into(), text(|run, _| run.config.clone())),
        Column::new(
            q::LOAD_INDEX.into(),
            records.iter().map(|(_, _, i, _)| *i).collect::<Vec<_>>(),
        ),
        Column::new(q::REQUEST_ID.into(), text(|_, r| r.request_id.clone())),
        Column::new(q::STATUS.into(), text(|_, r| Some(r.status.clone()))),
        time(q::START_TIME, |r| r.start_time),
        time(q::END_TIME, |r| r.end_time),
        Column::new(q::LATENCY_S.into(), float(|r| r.latency_s)),
        Column::new(q::TTFT_MS.into(), float(|r| r.ttft_ms)),
        Column::new(q::ITL_MS.into(), float(|r| r.itl_ms)),
        Column::new(q::TPOT_MS.into(), float(|r| r.tpot_ms)),
        Column::new(q::PROMPT_TOKENS.into(), int(|r| r.prompt_tokens)),
        Column::new(q::OUTPUT_TOKENS.into(), int(|r| r.output_tokens)),
        Column::new(q::TURN.into(), int(|r| r.turn)),
        Column::new(
            q::CONVERSATION_ID.into(),
            text(|_, r| r.conversation_id.clone()),
        ),
        Column::new(q::ERROR.into(), text(|_, r| r.error.clone())),
        Column::new(q::PROMPT_TEXT.into(), text(|_, r| r.prompt_text.clone())),
        Column::new(q::OUTPUT_TEXT.into(), text(|_, r| r.output_text.clone())),
    ];
    Ok(Unnamed {
        table: "requests",
        text: Text::Strings,
        frame: DataFrame::new_infer_height(columns).map_err(polars_err("requests"))?,
        run_of_row: records.iter().map(|(run, ..)| *run).collect(),
    })
}

/// The `server_samples` table of `runs`: one row per number of their server logs.
pub fn server_samples_frame(runs: &[Run]) -> Result<DataFrame> {
    server_samples_rows(runs)?.named(runs)
}

/// The rows of the `server_samples` table of `runs` (see [`server_samples_frame`]).
pub fn server_samples_rows(runs: &[Run]) -> Result<Unnamed> {
    let rows: Vec<(usize, &ServerLog, &ServerSample)> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, run)| {
            run.server_logs
                .iter()
                .flat_map(move |log| log.samples.iter().map(move |s| (i, log, s)))
        })
        .collect();
    let timestamps = Int64Chunked::from_iter_options(
        v::TIMESTAMP.into(),
        rows.iter().map(|(.., s)| s.timestamp),
    )
    .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    .into_column();
    let columns = vec![
        Column::new(
            v::MODEL.into(),
            rows.iter()
                .map(|(i, ..)| runs[*i].model.as_deref())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            v::CONFIG.into(),
            rows.iter()
                .map(|(i, ..)| runs[*i].config.as_deref())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            v::SOURCE_PATH.into(),
            rows.iter()
                .map(|(_, log, _)| log.source_path.display().to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            v::LINE.into(),
            rows.iter().map(|(.., s)| s.line as i64).collect::<Vec<_>>(),
        ),
        Column::new(
            v::LOG_TIME.into(),
            rows.iter()
                .map(|(.., s)| s.log_time.as_str())
                .collect::<Vec<_>>(),
        ),
        timestamps,
        Column::new(
            v::ENGINE.into(),
            rows.iter()
                .map(|(.., s)| s.engine.as_deref())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            v::METRIC.into(),
            rows.iter()
                .map(|(.., s)| s.metric.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            v::VALUE.into(),
            rows.iter().map(|(.., s)| s.value).collect::<Vec<_>>(),
        ),
        Column::new(
            v::UNIT.into(),
            rows.iter()
                .map(|(.., s)| s.unit.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            v::DURING_RUN.into(),
            rows.iter().map(|(.., s)| s.during_run).collect::<Vec<_>>(),
        ),
    ];
    Ok(Unnamed {
        table: "server_samples",
        text: Text::Strings,
        frame: DataFrame::new_infer_height(columns).map_err(polars_err("server_samples"))?,
        run_of_row: rows.iter().map(|(run, ..)| *run).collect(),
    })
}

/// The tables of `runs`, as lazy frames.
pub fn tables(runs: &[Run]) -> Result<Tables> {
    // The two large tables are built side by side.
    let (runs_table, metrics) = rayon::join(|| runs_frame(runs), || metrics_frame(runs));
    Ok(Tables {
        runs: runs_table?.lazy(),
        metrics: metrics?.lazy(),
        requests: requests_frame(runs)?.lazy(),
        server_samples: server_samples_frame(runs)?.lazy(),
    })
}

/// The rows of several sets of tables as one (empty tables when there are none).
pub fn concat_tables(all: Vec<Tables>) -> Result<Tables> {
    if all.len() <= 1 {
        return all.into_iter().next().map_or_else(|| tables(&[]), Ok);
    }
    let mut runs = Vec::new();
    let mut metrics = Vec::new();
    let mut requests = Vec::new();
    let mut server_samples = Vec::new();
    for t in all {
        runs.push(t.runs);
        metrics.push(t.metrics);
        requests.push(t.requests);
        server_samples.push(t.server_samples);
    }
    let union = |frames, table: &str| {
        concat(frames, UnionArgs::default())
            .map_err(|e| Error::polars(format!("combining the {table} tables"), e))
    };
    Ok(Tables {
        runs: union(runs, "runs")?,
        metrics: union(metrics, "metrics")?,
        requests: union(requests, "requests")?,
        server_samples: union(server_samples, "server_samples")?,
    })
}

/// Typed columns of a collected frame, read back into plain values.
pub struct Columns<'a>(pub &'a DataFrame);

impl Columns<'_> {
    fn column(&self, name: &str, dtype: &DataType) -> Result<Column> {
        self.0
            .column(name)
            .and_then(|c| c.cast(dtype))
            .map_err(|e| Error::polars(format!("reading column {name}"), e))
    }

    /// Column `name` as text, nulls as `None`.
    pub fn text(&self, name: &str) -> Result<Vec<Option<String>>> {
        let column = self.column(name, &DataType::String)?;
        let values = column
            .str()
            .map_err(|e| Error::polars(format!("reading column {name}"), e))?;
        Ok(values.iter().map(|v| v.map(String::from)).collect())
    }

    /// Column `name` as numbers, nulls as `None`.
    pub fn float(&self, name: &str) -> Result<Vec<Option<f64>>> {
        let column = self.column(name, &DataType::Float64)?;
        let values = column
            .f64()
            .map_err(|e| Error::polars(format!("reading column {name}"), e))?;
        Ok(values.iter().collect())
    }

    /// Column `name` as booleans, nulls as `false`.
    pub fn boolean(&self, name: &str) -> Result<Vec<bool>> {
        let column = self.column(name, &DataType::Boolean)?;
        let values = column
            .bool()
            .map_err(|e| Error::polars(format!("reading column {name}"), e))?;
        Ok(values.iter().map(|v| v.unwrap_or(false)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs of two real inputs: a console log (rounded numbers, line origins) and a JSON report.
    fn runs() -> Vec<Run> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guidellm");
        [
            "0.8.1/concurrent/console.log",
            "0.7.4/concurrent/benchmarks-no-requests.json.gz",
        ]
        .iter()
        .flat_map(|file| {
            let blob = crate::ingest::Blob::read(&dir.join(file)).unwrap();
            crate::detect::detect(&blob)
                .unwrap()
                .parse(&blob)
                .unwrap()
                .runs
        })
        .collect()
    }

    #[test]
    fn the_metrics_table_has_a_row_per_observation_with_its_point_and_run() {
        let runs = runs();
        let frame = metrics_frame(&runs).unwrap();
        let text = |name: &str| -> Vec<Option<String>> {
            let column = frame.column(name).unwrap().str().unwrap();
            column.iter().map(|v| v.map(String::from)).collect()
        };
        let (ids, models, strategies) = (text(m::RUN_ID), text(m::MODEL), text(m::STRATEGY));
        let (metrics, statuses, stats) = (text(m::METRIC), text(m::STATUS), text(m::STAT));
        let (units, origins) = (text(m::UNIT), text(m::ORIGIN));
        let values = frame.column(m::VALUE).unwrap().f64().unwrap().clone();
        let loads = frame.column(m::LOAD).unwrap().f64().unwrap().clone();
        let indexes = frame.column(m::LOAD_INDEX).unwrap().i32().unwrap().clone();
        let decimals = frame.column(m::DECIMALS).unwrap().i32().unwrap().clone();
        let mut row = 0;
        for run in &runs {
            for (index, point) in run.load_points.iter().enumerate() {
                for obs in &point.observations {
                    assert_eq!(ids[row].as_deref(), Some(run_id(run).as_str()));
                    assert_eq!(models[row], run.model);
                    assert_eq!(strategies[row].as_deref(), Some(point.strategy.as_str()));
                    assert_eq!(loads.get(row), point.load);
                    assert_eq!(indexes.get(row), Some(index as i32));
                    assert_eq!(metrics[row].as_deref(), Some(&*obs.metric));
                    assert_eq!(statuses[row].as_deref(), Some(&*obs.status));
                    assert_eq!(stats[row].as_deref(), Some(&*obs.stat));
                    assert_eq!(units[row].as_deref(), Some(&*obs.unit));
                    assert_eq!(values.get(row), Some(obs.value));
                    assert_eq!(decimals.get(row), obs.decimals.map(i32::from));
                    assert_eq!(origins[row], Some(obs.origin.to_string()));
                    row += 1;
                }
            }
        }
        assert_eq!(row, frame.height());
        assert!(
            runs.len() >= 2 && row > 1000,
            "{} runs, {row} rows",
            runs.len()
        );
    }

    #[test]
    fn the_stored_metrics_table_is_the_same_table_with_enums_of_the_values_present() {
        let mut runs = runs();
        // A load point without numbers: its run id and strategy are in no row.
        runs[0].load_points[0].observations.clear();
        runs[0].load_points[0].strategy = "synchronous".into();
        let strings = metrics_frame(&runs).unwrap();
        let enums = metrics_table(&runs, Text::Enums).unwrap();
        for name in [
            m::RUN_ID,
            m::STRATEGY,
            m::METRIC,
            m::STATUS,
            m::STAT,
            m::UNIT,
        ] {
            let column = enums.column(name).unwrap();
            let DataType::Enum(categories, _) = column.dtype() else {
                panic!("{name} is {}", column.dtype());
            };
            let mut categories: Vec<&str> = categories.categories().values_iter().collect();
            let text = strings.column(name).unwrap().str().unwrap();
            let mut present: Vec<&str> = text.iter().flatten().collect();
            present.sort_unstable();
            present.dedup();
            categories.sort_unstable();
            assert_eq!(categories, present, "{name}");
        }
        assert!(!strings
            .column(m::STRATEGY)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .any(|s| s == Some("synchronous")));
        // Every column but the values as text: the same table.
        let text = |frame: &DataFrame| {
            let columns = all().exclude_cols([m::VALUE]).as_expr();
            let lazy = frame.clone().lazy();
            lazy.with_columns([columns.cast(DataType::String)])
                .collect()
        };
        assert!(text(&enums)
            .unwrap()
            .equals_missing(&text(&strings).unwrap()));
        // Stored, both give the same file, byte for byte, declaring strings.
        let dir = tempfile::tempdir().unwrap();
        let write = |frame: &DataFrame, name: &str| {
            let path = dir.path().join(name);
            crate::store::parquet::write_atomic(frame.clone(), &path, &[]).unwrap();
            path
        };
        let (a, b) = (
            write(&strings, "strings.parquet"),
            write(&enums, "enums.parquet"),
        );
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let read = LazyFrame::scan_parquet(
            PlRefPath::new(b.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )
        .unwrap()
        .collect()
        .unwrap();
        assert_eq!(read.schema(), strings.schema());
        assert!(read.equals_missing(&strings));
    }

    #[test]
    fn a_stored_metrics_table_larger_than_a_row_group_keeps_strings() {
        let observation = runs()[1].load_points[0].observations[0].clone();
        let run = |rows: usize| Run {
            load_points: vec![LoadPoint {
                observations: vec![observation.clone(); rows],
                ..LoadPoint::default()
            }],
            ..Run::default()
        };
        let rows = crate::store::parquet::ROW_GROUP_ROWS;
        let dtype = |rows: usize| {
            let frame = metrics_table(&[run(rows)], Text::Enums).unwrap();
            frame.column(m::METRIC).unwrap().dtype().clone()
        };
        assert!(matches!(dtype(rows), DataType::Enum(..)));
        assert_eq!(dtype(rows + 1), DataType::String);
    }
}
