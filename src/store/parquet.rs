//! Single Parquet files: written through Polars' lazy sink to a temporary name and renamed,
//! footers read back with the independent arrow-rs `parquet` crate.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::parquet::file::reader::{FileReader, SerializedFileReader};
use ::parquet::file::statistics::Statistics;
use polars::prelude::*;

use crate::error::{Error, Result};

/// What a Parquet footer says, as read by arrow-rs.
#[derive(Debug, Clone, PartialEq)]
pub struct Footer {
    /// Rows in the file.
    pub num_rows: i64,
    /// Number of row groups.
    pub row_groups: usize,
    /// Column names of the Parquet schema, in order.
    pub columns: Vec<String>,
    /// File-level key/value metadata.
    pub key_value: BTreeMap<String, String>,
    /// Statistics of each column in the first row group, by column name.
    pub statistics: BTreeMap<String, ColumnStatistics>,
}

/// Min, max and null count of one column chunk, as the footer states them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnStatistics {
    /// Smallest value, as text (numbers in Rust's notation, strings as they are).
    pub min: Option<String>,
    /// Largest value, as text.
    pub max: Option<String>,
    /// Number of nulls.
    pub null_count: Option<u64>,
}

fn column_statistics(stats: &Statistics) -> ColumnStatistics {
    fn text<T: ToString>(v: Option<&T>) -> Option<String> {
        v.map(T::to_string)
    }
    let (min, max) = match stats {
        Statistics::Boolean(s) => (text(s.min_opt()), text(s.max_opt())),
        Statistics::Int32(s) => (text(s.min_opt()), text(s.max_opt())),
        Statistics::Int64(s) => (text(s.min_opt()), text(s.max_opt())),
        Statistics::Float(s) => (text(s.min_opt()), text(s.max_opt())),
        Statistics::Double(s) => (text(s.min_opt()), text(s.max_opt())),
        Statistics::ByteArray(s) => (
            s.min_opt().and_then(|b| b.as_utf8().ok()).map(String::from),
            s.max_opt().and_then(|b| b.as_utf8().ok()).map(String::from),
        ),
        _ => (None, None),
    };
    ColumnStatistics {
        min,
        max,
        null_count: stats.null_count_opt(),
    }
}

/// The rows of a row group (Polars' default target): a frame holding enum columns, which has
/// no more rows (see `frames::metrics_table`), is written as one row group, since an enum's
/// whole dictionary and its statistics go into every group.
pub const ROW_GROUP_ROWS: usize = 122_880;

/// Writes `frame` to `path` with the footer `metadata`: first to a hidden temporary file in the
/// same directory, then renamed, so a crash never leaves a partial file under `path`. A device
/// or pipe (`/dev/null`, a FIFO) is not replaced: the temporary file, in the temporary
/// directory then, is copied into it in one write (Polars opens its target more than once,
/// which a pipe does not survive).
pub fn write_atomic(frame: DataFrame, path: &Path, metadata: &[(String, String)]) -> Result<()> {
    let special = super::is_special_file(path);
    let tmp: PathBuf = if special {
        let name = path
            .file_name()
            .map_or_else(|| "part".into(), |n| n.to_string_lossy().into_owned());
        std::env::temp_dir().join(format!(".tidybench-{name}.tmp-{}", std::process::id()))
    } else {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        super::temporary_path(path)
    };
    // First, where Polars puts the schema it would write.
    let metadata: Vec<(String, String)> = std::iter::once(stored_schema(frame.schema())?)
        .chain(metadata.iter().cloned())
        .collect();
    // Set, not left to Polars' default, which its environment variables change.
    let has_enums = frame
        .dtypes()
        .iter()
        .any(|d| matches!(d, DataType::Enum(..)));
    let options = ParquetWriteOptions {
        key_value_metadata: Some(KeyValueMetadata::from_static(metadata)),
        row_group_size: has_enums.then_some(ROW_GROUP_ROWS),
        ..ParquetWriteOptions::default()
    };
    let written = frame
        .lazy()
        .sink(
            SinkDestination::File {
                target: SinkTarget::Path(PlRefPath::new(tmp.to_string_lossy().as_ref())),
            },
            FileWriteFormat::Parquet(Arc::new(options)),
            UnifiedSinkArgs::default(),
        )
        .and_then(|lf| lf.collect())
        .map_err(|e| Error::polars(format!("writing {}", path.display()), e))
        .and_then(|_| match special {
            true => std::fs::read(&tmp)
                .and_then(|bytes| std::fs::write(path, bytes))
                .map_err(|e| Error::io(path, e)),
            false => std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)),
        });
    if written.is_err() || special {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// The Arrow schema a file of `schema` declares (its `ARROW:schema` key, which readers such as
/// Polars and pyarrow take the column types from): enums declared as the strings they hold.
/// An enum column is written as its dictionary of strings and per-row codes, the way Parquet
/// stores any repeated text, so the file is the one a string column would give.
fn stored_schema(schema: &Schema) -> Result<(String, String)> {
    let strings: Schema = schema
        .iter()
        .map(|(name, dtype)| match dtype {
            DataType::Enum(..) => (name.clone(), DataType::String),
            _ => (name.clone(), dtype.clone()),
        })
        .collect();
    let arrow = polars::io::schema_to_arrow_checked(&strings, CompatLevel::oldest(), "")
        .map_err(|e| Error::polars("describing the Parquet schema".to_string(), e))?;
    let key = polars_parquet::write::schema_to_metadata_key(&arrow);
    Ok((key.key, key.value.unwrap_or_default()))
}

/// Reads the footer of the Parquet file at `path` (row count, schema, key/value metadata).
pub fn read_footer(path: &Path) -> Result<Footer> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|e| Error::Dataset {
        path: path.to_path_buf(),
        reason: format!("not a readable Parquet file: {e}"),
    })?;
    let meta = reader.metadata();
    let file_meta = meta.file_metadata();
    let key_value = file_meta
        .key_value_metadata()
        .map(|kvs| {
            kvs.iter()
                .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let statistics = meta
        .row_groups()
        .first()
        .map(|group| {
            group
                .columns()
                .iter()
                .filter_map(|c| {
                    let stats = c.statistics()?;
                    Some((c.column_path().string(), column_statistics(stats)))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Footer {
        statistics,
        num_rows: file_meta.num_rows(),
        row_groups: meta.num_row_groups(),
        columns: file_meta
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect(),
        key_value,
    })
}
