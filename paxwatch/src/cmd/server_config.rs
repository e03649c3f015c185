//! The server configuration as every server-side command sees it: the TOML file (`--config`), then
//! `PAXWATCH_*` environment variables, then `--database` on the command line.

use std::path::PathBuf;

use anyhow::Context;
use console::Config;

#[derive(clap::Args, Debug, Clone)]
pub struct ConfigArgs {
    /// TOML configuration file (see README); without it, defaults and PAXWATCH_* variables.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Database URL (sqlite://PATH?mode=rwc or postgres://…); overrides the file and PAXWATCH_DATABASE_URL.
    #[arg(long)]
    pub database: Option<String>,
}

impl ConfigArgs {
    pub fn load(&self) -> anyhow::Result<Config> {
        let mut config = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read configuration {}", path.display()))?;
                Config::from_toml(&text)
                    .with_context(|| format!("configuration {}", path.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(std::env::vars())?;
        if let Some(url) = &self.database {
            config.database_url = url.clone();
        }
        Ok(config)
    }
}

/// Opens the store of `config`, creating the SQLite file's directory if needed.
pub async fn open_store(config: &Config) -> anyhow::Result<store::Store> {
    if let Some(path) = sqlite_path(&config.database_url) {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    // The URL is never printed: it may hold a password.
    store::Store::open(&config.database_url)
        .await
        .context("cannot open the database")
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
