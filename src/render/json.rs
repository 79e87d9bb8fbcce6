//! TODO
use super::Renderer;
use crate::analyze::Report;
use crate::error::Result;

/// r
pub struct Json;

impl Renderer for Json {
    fn render(&self, _report: &Report) -> Result<String> {
        Ok(String::new())
    }
}
