//! `paxwatch audit verify [--config F] [--database URL]`: recomputes the stored audit chain and every
//! checkpoint's seal (with the key the server seals them with) and exits non-zero naming the first broken
//! record. `paxwatch approver add NAME --authority TEXT`: an account outside the unit that decides unmask
//! requests; prints its API token once.

use std::process::ExitCode;

use anyhow::Context;
use console::audit_log::{key_path, read_key, verify_store};
use console::auth::{generate_token, token_digest};
use store::NewApprover;
use time::OffsetDateTime;

use super::server_config::{open_store, runtime, ConfigArgs};

#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit chain and its checkpoints; non-zero exit naming the first broken record.
    Verify {
        #[command(flatten)]
        config: ConfigArgs,
    },
}

#[derive(clap::Subcommand)]
pub enum ApproverCommand {
    /// Create an approver (outside the unit: a judge, an independent authority) and print its API token.
    Add {
        name: String,
        /// The authority the approver acts for.
        #[arg(long)]
        authority: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

pub fn run_audit(command: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify { config } = command;
    let config = config.load()?;
    let path = key_path(&config);
    let key = read_key(&path)?;
    runtime()?.block_on(async {
        let store = open_store(&config).await?;
        let outcome = verify_store(&store, &key)
            .await
            .context("cannot read the audit log")?;
        store.close().await;
        match outcome {
            Ok(verified) => {
                println!(
                    "audit log intact: {} records, {} checkpoints verified, head {}",
                    verified.records,
                    verified.checkpoints,
                    hex::encode(verified.head)
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(broken) => {
                println!("audit log BROKEN: {broken}");
                Ok(ExitCode::FAILURE)
            }
        }
    })
}

pub fn run_approver(command: ApproverCommand) -> anyhow::Result<ExitCode> {
    let ApproverCommand::Add {
        name,
        authority,
        config,
    } = command;
    let config = config.load()?;
    let token = generate_token();
    runtime()?.block_on(async {
        let store = open_store(&config).await?;
        store
            .create_approver(&NewApprover {
                name,
                authority,
                token_sha256: token_digest(&token),
                created_at: OffsetDateTime::now_utc(),
            })
            .await
            .context("cannot create the approver")?;
        store.close().await;
        anyhow::Ok(())
    })?;
    println!("{token}");
    eprintln!("approver created; the token above is shown only once");
    Ok(ExitCode::SUCCESS)
}
