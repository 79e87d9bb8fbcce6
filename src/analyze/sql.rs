//! Read-only SQL over the dataset's tables (Polars SQL). A query is one `SELECT` (or `WITH …
//! SELECT`) over the registered tables: statements that create, change or drop anything, and
//! table functions that would read other files (`read_csv(…)`, `read_parquet(…)`), are refused
//! before anything runs.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use polars::prelude::*;
use polars::sql::SQLContext;
use sqlparser::ast::{ObjectName, Query, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

use crate::error::{Error, Result};
use crate::frames::Tables;

/// The tables a query can name, with their frames.
pub fn registered(tables: &Tables) -> Vec<(&'static str, LazyFrame)> {
    vec![
        ("runs", tables.runs.clone()),
        ("metrics", tables.metrics.clone()),
        ("requests", tables.requests.clone()),
        ("server_samples", tables.server_samples.clone()),
    ]
}

/// Collects the relations a statement reads, the names its `WITH` clauses define, and the
/// table functions it calls.
#[derive(Default)]
struct Relations {
    names: Vec<String>,
    ctes: Vec<String>,
    functions: Vec<String>,
}

impl Visitor for Relations {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            self.ctes.extend(
                with.cte_tables
                    .iter()
                    .map(|cte| cte.alias.name.value.clone()),
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        self.names.push(relation.to_string());
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        // Any `name(…)` in FROM is a table function, whatever its name (a CTE of the same
        // name does not make it a table): Polars' read_csv/read_parquet/… read files.
        match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            } => self.functions.push(name.to_string()),
            TableFactor::TableFunction { .. }
            | TableFactor::Function { .. }
            | TableFactor::JsonTable { .. }
            | TableFactor::OpenJsonTable { .. }
            | TableFactor::XmlTable { .. } => self.functions.push(factor.to_string()),
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// Checks that `sql` is one read-only query over `known` tables.
fn validate(sql: &str, known: &[&str]) -> Result<()> {
    let statements = Parser::parse_sql(&GenericDialect {}, sql)
        .map_err(|e| Error::Invalid(format!("SQL does not parse: {e}")))?;
    let [statement] = statements.as_slice() else {
        return Err(Error::Invalid(format!(
            "give exactly one SELECT statement ({} found)",
            statements.len()
        )));
    };
    if !matches!(statement, Statement::Query(_)) {
        let kind = statement.to_string();
        let kind = kind.split_whitespace().next().unwrap_or("this statement");
        return Err(Error::Invalid(format!(
            "queries are read-only: {kind} is not allowed, only SELECT"
        )));
    }
    let mut relations = Relations::default();
    let _ = statement.visit(&mut relations);
    if let Some(function) = relations.functions.first() {
        let name = function.split('(').next().unwrap_or(function).trim();
        return Err(Error::Invalid(format!(
            "queries are read-only and see only the dataset: table function {name}(…) is not allowed"
        )));
    }
    for name in &relations.names {
        let bare = name.trim_matches('"');
        if known.contains(&bare) || relations.ctes.iter().any(|c| c == bare) {
            continue;
        }
        return Err(Error::Invalid(format!(
            "unknown table {bare}; tables are: {}",
            known.join(", ")
        )));
    }
    Ok(())
}

/// The error under any context Polars wrapped around it.
fn root_cause(error: PolarsError) -> PolarsError {
    match error {
        PolarsError::Context { error, .. } | PolarsError::ExprContext { error, .. } => {
            root_cause(*error)
        }
        other => other,
    }
}

/// Runs `sql` over `tables` and returns the lazy result. Unknown tables list the tables;
/// unknown columns list the columns of every table.
pub fn query(tables: &Tables, sql: &str) -> Result<LazyFrame> {
    let registered = registered(tables);
    let names: Vec<&str> = registered.iter().map(|(n, _)| *n).collect();
    validate(sql, &names)?;
    let mut context = SQLContext::new();
    let mut columns: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, frame) in registered {
        let mut frame = frame;
        let schema = frame
            .collect_schema()
            .map_err(|e| Error::polars(format!("reading the {name} schema"), e))?;
        columns.insert(name, schema.iter_names().map(|c| c.to_string()).collect());
        context.register(name, frame);
    }
    let explain = |e: PolarsError| {
        let e = root_cause(e);
        // Polars names the valid columns of the table it searched; list them all otherwise.
        if matches!(e, PolarsError::ColumnNotFound(_)) && !e.to_string().contains("valid columns") {
            let listing: Vec<String> = columns
                .iter()
                .map(|(table, cols)| format!("{table}: {}", cols.join(", ")))
                .collect();
            Error::Invalid(format!("{e}\ncolumns are:\n  {}", listing.join("\n  ")))
        } else {
            // Only the message, not the query plan Polars appends to it.
            let text = e.to_string();
            let message = text.split("\n\nResolved plan").next().unwrap_or(&text);
            let (prefix, hint) = match e {
                PolarsError::ColumnNotFound(_) => ("", ""),
                PolarsError::Duplicate(_) => ("the query fails: ", " (name each column with AS)"),
                _ => ("the query fails: ", ""),
            };
            Error::Invalid(format!("{prefix}{}{hint}", message.trim_end()))
        }
    };
    let frame = context.execute(sql).map_err(explain)?;
    // Resolving the plan's schema surfaces unknown columns before any data is read.
    let mut frame = frame;
    frame.collect_schema().map_err(explain)?;
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["runs", "metrics", "requests"];

    #[test]
    fn only_select_over_known_tables() {
        assert!(validate("select * from metrics", KNOWN).is_ok());
        assert!(validate(
            "with t as (select model from runs) select * from t join metrics using (model)",
            KNOWN
        )
        .is_ok());
        let refused = |sql: &str| validate(sql, KNOWN).unwrap_err().to_string();
        assert_eq!(
            refused("select * from read_parquet('/etc/passwd')"),
            "queries are read-only and see only the dataset: table function read_parquet(…) is not allowed"
        );
        assert_eq!(
            refused("create table x as select * from runs"),
            "queries are read-only: CREATE is not allowed, only SELECT"
        );
        assert_eq!(
            refused("drop table runs"),
            "queries are read-only: DROP is not allowed, only SELECT"
        );
        assert_eq!(
            refused("select 1; select 2"),
            "give exactly one SELECT statement (2 found)"
        );
        assert_eq!(
            refused("with read_csv as (select 1) select * from read_csv('/etc/os-release')"),
            "queries are read-only and see only the dataset: table function read_csv(…) is not allowed"
        );
        assert_eq!(
            refused("select * from runs join \"READ_JSON\"('x.json') using (run_id)"),
            "queries are read-only and see only the dataset: table function \"READ_JSON\"(…) is not allowed"
        );
        assert_eq!(
            refused("select * from gpu_stats"),
            "unknown table gpu_stats; tables are: runs, metrics, requests"
        );
    }
}
