"""Every table of a converted dataset opens in DuckDB, pyarrow, pandas and Polars with the
documented dtypes; timestamps are UTC, nulls stay null, the footer metadata is visible.

Run with pytest in an environment with duckdb, pyarrow, pandas and polars (the current
readers), and again in one with only pyarrow 14 and pandas 2 (an older notebook stack): tests
for readers that are not installed there are skipped by design; `.ci/run` runs both.
"""

import json

import pytest

METRICS_COLUMNS = [
    "run_id", "model", "config", "strategy", "load", "load_index", "metric", "status",
    "stat", "value", "unit", "decimals", "origin",
]
TTFT_50 = {
    ("Qwen/Qwen3-14B", "native-offload"): 1203.1,
    ("Qwen/Qwen3-14B", "no-offload"): 1219.1,
    ("Qwen/Qwen3-8B", "native-offload"): 734.4,
    ("Qwen/Qwen3-8B", "no-offload"): 643.4,
}


def test_pyarrow_reads_every_table_and_the_footer(dataset):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    ds = pytest.importorskip("pyarrow.dataset")
    runs = pq.read_table(dataset / "runs.parquet")
    assert runs.num_rows == 4
    assert runs.schema.field("started_at").type == pa.timestamp("us", tz="UTC")
    assert runs.schema.field("num_cpu_blocks").type == pa.int64()
    assert pa.types.is_large_string(runs.schema.field("model").type)
    assert runs.column("kv_connector").to_pylist() == [
        None, "OffloadingConnector", None, "OffloadingConnector",
    ]
    meta = pq.ParquetFile(dataset / "runs.parquet").metadata.metadata
    assert meta[b"tidybench.schema_version"] == b"1"
    assert json.loads(meta[b"tidybench.sources"])[0].endswith("benchmark-run-larger-models.log")
    parts = json.loads(meta[b"tidybench.parts"])
    assert len(parts) == 4
    metrics = ds.dataset(dataset / "metrics", format="parquet", partitioning="hive").to_table()
    assert metrics.num_rows == 1260
    assert sorted(metrics.schema.names) == sorted(METRICS_COLUMNS)
    assert metrics.schema.field("load").type == pa.float64()
    assert metrics.schema.field("decimals").type == pa.int32()
    assert sorted(metrics.column("model").unique().to_pylist()) == ["Qwen/Qwen3-14B", "Qwen/Qwen3-8B"]


def test_pandas_reads_runs_and_metrics(dataset):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    runs = pd.read_parquet(dataset / "runs.parquet")
    assert str(runs["started_at"].dtype) in ("datetime64[us, UTC]", "datetime64[ns, UTC]")
    assert runs["started_at"].iloc[0].isoformat().startswith("2026-02-12T01:20:58")
    assert runs["kv_connector"].isna().tolist() == [True, False, True, False]
    metrics = pd.read_parquet(dataset / "metrics")
    assert sorted(metrics.columns) == sorted(METRICS_COLUMNS)
    assert len(metrics) == 1260
    ttft = metrics[(metrics.metric == "ttft") & (metrics.stat == "median") & (metrics.load == 50)]
    assert {(r.model, r.config): r.value for r in ttft.itertuples()} == TTFT_50


def test_duckdb_reads_hive_partitions(dataset):
    duckdb = pytest.importorskip("duckdb")
    metrics = f"read_parquet('{dataset}/metrics/**/*.parquet', hive_partitioning=true)"
    types = {row[0]: row[1] for row in duckdb.sql(f"describe select * from {metrics}").fetchall()}
    assert sorted(types) == sorted(METRICS_COLUMNS)
    assert types["load"] == "DOUBLE" and types["decimals"] == "INTEGER"
    rows = duckdb.sql(
        f"select model, config, value from {metrics} "
        "where metric = 'ttft' and stat = 'median' and load = 50"
    ).fetchall()
    assert {(m, c): v for m, c, v in rows} == TTFT_50
    runs = {
        row[0]: row[1]
        for row in duckdb.sql(f"describe select * from '{dataset}/runs.parquet'").fetchall()
    }
    assert runs["started_at"] == "TIMESTAMP WITH TIME ZONE"


def test_polars_scans_the_dataset(dataset):
    pl = pytest.importorskip("polars")
    runs = pl.read_parquet(dataset / "runs.parquet")
    assert runs.schema["started_at"] == pl.Datetime("us", "UTC")
    assert runs["kv_connector"].null_count() == 2
    metrics = pl.scan_parquet(dataset / "metrics", hive_partitioning=True)
    assert sorted(metrics.collect_schema().names()) == sorted(METRICS_COLUMNS)
    ttft = (
        metrics.filter(
            (pl.col("metric") == "ttft") & (pl.col("stat") == "median") & (pl.col("load") == 50)
        )
        .select("model", "config", "value")
        .collect()
    )
    assert {(m, c): v for m, c, v in ttft.iter_rows()} == TTFT_50


REQUESTS_COLUMNS = [
    "run_id", "model", "config", "load_index", "request_id", "status", "start_time", "end_time",
    "latency_s", "ttft_ms", "itl_ms", "tpot_ms", "prompt_tokens", "output_tokens", "turn",
    "conversation_id", "error", "prompt_text", "output_text",
]


def test_every_reader_opens_the_requests_table(requests_dataset):
    pa = pytest.importorskip("pyarrow")
    ds = pytest.importorskip("pyarrow.dataset")
    pd = pytest.importorskip("pandas")
    # These runs have no config label (a bare GuideLLM report): every `config=` directory is
    # Hive's null partition, whose type pyarrow cannot infer, so the types are given.
    partitioning = ds.partitioning(
        pa.schema([("model", pa.string()), ("config", pa.string())]), flavor="hive"
    )
    table = ds.dataset(
        requests_dataset / "requests", format="parquet", partitioning=partitioning
    ).to_table()
    assert sorted(table.schema.names) == sorted(REQUESTS_COLUMNS)
    assert table.num_rows == 42
    assert table.schema.field("start_time").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("prompt_tokens").type == pa.int64()
    frame = pd.read_parquet(requests_dataset / "requests", partitioning=partitioning)
    assert frame["config"].isna().all()
    assert frame.groupby("status").size().to_dict() == {"incomplete": 23, "successful": 19}
    assert frame["error"].dropna().unique().tolist() == ["Request was cancelled"]


def test_duckdb_and_polars_open_the_requests_table(requests_dataset):
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    rows = duckdb.sql(
        f"select status, count(*) from read_parquet('{requests_dataset}/requests/**/*.parquet', "
        "hive_partitioning=true) group by status order by status"
    ).fetchall()
    assert rows == [("incomplete", 23), ("successful", 19)]
    frame = pl.read_parquet(requests_dataset / "requests", hive_partitioning=True)
    assert frame.schema["start_time"] == pl.Datetime("us", "UTC")
    assert frame.filter(pl.col("status") == "successful")["output_tokens"].to_list() == [128] * 19


SERVER_SAMPLES_COLUMNS = [
    "run_id", "model", "config", "source_path", "line", "log_time", "timestamp", "engine",
    "metric", "value", "unit", "during_run",
]


def test_every_reader_opens_the_server_samples_table(server_dataset):
    pa = pytest.importorskip("pyarrow")
    ds = pytest.importorskip("pyarrow.dataset")
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    partitioning = ds.partitioning(
        pa.schema([("model", pa.string()), ("config", pa.string())]), flavor="hive"
    )
    table = ds.dataset(
        server_dataset / "server_samples", format="parquet", partitioning=partitioning
    ).to_table()
    assert sorted(table.schema.names) == sorted(SERVER_SAMPLES_COLUMNS)
    assert table.num_rows == 199
    assert table.schema.field("timestamp").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("during_run").type == pa.bool_()
    rows = duckdb.sql(
        f"select max(value), count(*) from read_parquet('{server_dataset}/server_samples/**/*.parquet', "
        "hive_partitioning=true) where metric = 'gpu_kv_cache_usage'"
    ).fetchall()
    assert rows == [(98.4, 26)]
    frame = pl.read_parquet(server_dataset / "server_samples", hive_partitioning=True)
    docker = frame.filter(pl.col("source_path").str.contains("docker-timestamp"))
    assert docker["timestamp"].min().isoformat() == "2026-05-12T08:01:39.331095+00:00"
