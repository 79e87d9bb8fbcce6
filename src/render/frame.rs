//! A query result (any DataFrame) as an aligned text table, CSV, JSON, NDJSON or Parquet.

use std::path::Path;

use polars::prelude::*;

use super::align;
use crate::error::{Error, Result};
use crate::store::parquet::write_atomic;

/// The formats `query` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FrameFormat {
    /// Aligned columns for a terminal.
    Table,
    /// CSV with a header row.
    Csv,
    /// One JSON array of row objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// A Parquet file (needs an output path).
    Parquet,
}

fn polars_err(format: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |e| Error::polars(format!("writing the result as {format}"), e)
}

/// The cells of `frame` as text, nulls as `null`.
fn cells(frame: &DataFrame) -> Result<Vec<Vec<String>>> {
    let columns = frame
        .columns()
        .iter()
        .map(|column| {
            let text = column
                .cast(&DataType::String)
                .map_err(polars_err("a table"))?;
            let text = text.str().map_err(polars_err("a table"))?;
            Ok(text
                .iter()
                .map(|v| v.unwrap_or("null").to_string())
                .collect::<Vec<_>>())
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((0..frame.height())
        .map(|row| columns.iter().map(|c| c[row].clone()).collect())
        .collect())
}

/// `frame` as text in `format` (not Parquet, which is binary: see [`write_parquet`]).
pub fn render_frame(frame: &mut DataFrame, format: FrameFormat) -> Result<String> {
    if let Some(column) = frame
        .columns()
        .iter()
        .find(|c| matches!(c.dtype(), DataType::Binary | DataType::BinaryOffset))
    {
        return Err(Error::Invalid(format!(
            "column {} holds binary data, which text formats cannot show; cast it in the query \
             or use --format parquet",
            column.name()
        )));
    }
    let mut buffer = Vec::new();
    match format {
        FrameFormat::Table => {
            let mut rows = vec![frame
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()];
            rows.extend(cells(frame)?);
            let right: Vec<bool> = frame
                .dtypes()
                .iter()
                .map(|t| t.is_primitive_numeric())
                .collect();
            let mut text = align(&rows, &right);
            text.push_str(&format!("({} row(s))\n", frame.height()));
            return Ok(text);
        }
        FrameFormat::Csv => {
            // Polars writes a time with a zone without it: as text, it keeps its `+00:00`.
            let mut zoned_as_text = frame.clone();
            for column in frame.columns() {
                if let DataType::Datetime(_, Some(_)) = column.dtype() {
                    let text = column.cast(&DataType::String).map_err(polars_err("CSV"))?;
                    zoned_as_text.with_column(text).map_err(polars_err("CSV"))?;
                }
            }
            CsvWriter::new(&mut buffer)
                .finish(&mut zoned_as_text)
                .map_err(polars_err("CSV"))?
        }
        FrameFormat::Json => JsonWriter::new(&mut buffer)
            .with_json_format(JsonFormat::Json)
            .finish(frame)
            .map_err(polars_err("JSON"))?,
        FrameFormat::Ndjson => JsonWriter::new(&mut buffer)
            .with_json_format(JsonFormat::JsonLines)
            .finish(frame)
            .map_err(polars_err("NDJSON"))?,
        FrameFormat::Parquet => {
            return Err(Error::Invalid(
                "Parquet output is binary: give -o FILE".into(),
            ))
        }
    }
    let mut text = String::from_utf8(buffer)
        .map_err(|e| Error::Invalid(format!("output is not UTF-8: {e}")))?;
    if format == FrameFormat::Json && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Writes `frame` to `path` as Parquet (temporary name, then renamed).
pub fn write_parquet(frame: DataFrame, path: &Path) -> Result<()> {
    let metadata = vec![(
        crate::schema::META_WRITER_VERSION.to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
    )];
    write_atomic(frame, path, &metadata)
}
