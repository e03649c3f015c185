//! `paxwatch user add NAME --role ROLE [--password-stdin]` and `paxwatch carrier add CODE [--name N]
//! [--cert-fingerprint HEX | --cert FILE.pem]`: create an account and print its API token, once, on stdout
//! (only its SHA-256 is stored; a lost token is replaced, never shown again): `paxwatch user new-token NAME`,
//! `paxwatch carrier new-token CODE`. `paxwatch user set-password NAME` reads a new password from standard
//! input and ends the person's browser sessions (the way back in for a locked-out administrator).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use console::auth::{generate_token, token_digest};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use store::{ContentHash, NewCarrier, NewUser, Role};
use time::OffsetDateTime;

use super::server_config::{open_store, runtime, ConfigArgs};

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create a user with a role and print their API token.
    Add {
        name: String,
        /// officer, analyst, admin, dpo or carrier.
        #[arg(long)]
        role: String,
        /// The airline a user of role carrier works for (its code, e.g. LH); required for that role.
        #[arg(long)]
        carrier: Option<String>,
        /// Also set a password (for browser sign-in), read as one line from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Give a user a new API token and print it (the old one stops working at once).
    NewToken {
        name: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Set a user's password, read as one line from standard input; their browser sessions end.
    SetPassword {
        name: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

#[derive(clap::Subcommand)]
pub enum CarrierCommand {
    /// Create a carrier (airline) and print its bearer token.
    Add {
        /// The airline's code, e.g. LH; messages it posts are stored with this sender.
        code: String,
        #[arg(long)]
        name: Option<String>,
        /// SHA-256 of its TLS client certificate (DER), hex, colons allowed (mutual TLS).
        #[arg(long, conflicts_with = "cert")]
        cert_fingerprint: Option<String>,
        /// Its TLS client certificate (PEM): the fingerprint is computed from it.
        #[arg(long)]
        cert: Option<PathBuf>,
        /// Certificate subject to show in the admin listing.
        #[arg(long)]
        cert_subject: Option<String>,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Give a carrier a new bearer token and print it (the old one stops working at once).
    NewToken {
        code: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

/// One line of standard input, without its line end.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

pub fn run_user(command: UserCommand) -> anyhow::Result<ExitCode> {
    let (name, role, carrier, password_stdin, config) = match command {
        UserCommand::Add {
            name,
            role,
            carrier,
            password_stdin,
            config,
        } => (name, role, carrier, password_stdin, config),
        UserCommand::NewToken { name, config } => return new_user_token(&name, config),
        UserCommand::SetPassword { name, config } => return set_user_password(&name, config),
    };
    let role: Role = role.parse()?;
    match (role, &carrier) {
        (Role::Carrier, None) => bail!("a user of role carrier needs --carrier CODE"),
        (Role::Carrier, Some(_)) | (_, None) => {}
        (_, Some(_)) => bail!("--carrier is only for users of role carrier"),
    }
    let password_hash = if password_stdin {
        Some(console::password::hash_password(&password_from_stdin()?)?)
    } else {
        None
    };
    let config = config.load()?;
    let token = generate_token();
    runtime()?.block_on(async {
        let store = open_store(&config).await?;
        let carrier_id = match &carrier {
            Some(code) => Some(
                store
                    .carriers()
                    .await?
                    .into_iter()
                    .find(|c| &c.code == code)
                    .map(|c| c.id)
                    .with_context(|| format!("no carrier with code {code}"))?,
            ),
            None => None,
        };
        let id = store
            .create_user(&NewUser {
                name,
                role,
                password_hash,
                token_sha256: token_digest(&token),
                created_at: OffsetDateTime::now_utc(),
            })
            .await
            .context("cannot create the user")?;
        if let Some(carrier_id) = carrier_id {
            store
                .set_user_carrier(id, carrier_id)
                .await
                .context("cannot tie the user to the carrier")?;
        }
        store.close().await;
        anyhow::Ok(())
    })?;
    println!("{token}");
    eprintln!("user created with role {role}; the token above is shown only once");
    Ok(ExitCode::SUCCESS)
}

/// The user called `name`, or an error saying there is none.
async fn user_named(store: &store::Store, name: &str) -> anyhow::Result<store::User> {
    store
        .user_by_name(name)
        .await?
        .with_context(|| format!("no user called {name}"))
}

fn new_user_token(name: &str, config: ConfigArgs) -> anyhow::Result<ExitCode> {
    let config = config.load()?;
    let token = generate_token();
    runtime()?.block_on(async {
        let store = open_store(&config).await?;
        let user = user_named(&store, name).await?;
        store
            .replace_user_token(user.id, &token_digest(&token))
            .await
            .context("cannot replace the token")?;
        store.close().await;
        anyhow::Ok(())
    })?;
    println!("{token}");
    eprintln!("the user's old token no longer works; the token above is shown only once");
    Ok(ExitCode::SUCCESS)
}

fn set_user_password(name: &str, config: ConfigArgs) -> anyhow::Result<ExitCode> {
    let hash = console::password::hash_password(&password_from_stdin()?)?;
    let config = config.load()?;
    runtime()?.block_on(async {
        let store = open_store(&config).await?;
        let user = user_named(&store, name).await?;
        store
            .replace_user_password(user.id, Some(&hash))
            .await
            .context("cannot set the password")?;
        store.close().await;
        anyhow::Ok(())
    })?;
    eprintln!("password set; the user's browser sessions have ended");
    Ok(ExitCode::SUCCESS)
}

fn new_carrier_token(code: &str, config: ConfigArgs) -> anyhow::Result<ExitCode> {
    let config = config.load()?;
    let token = generate_token();
    runtime()?.block_on(async {
        let store = open_store(&config).await?;
        let carrier = store
            .carriers()
            .await?
            .into_iter()
            .find(|c| c.code == code)
            .with_context(|| format!("no carrier with code {code}"))?;
        store
            .replace_carrier_token(carrier.id, &token_digest(&token))
            .await
            .context("cannot replace the token")?;
        store.close().await;
        anyhow::Ok(())
    })?;
    println!("{token}");
    eprintln!("the carrier's old token no longer works; the token above is shown only once");
    Ok(ExitCode::SUCCESS)
}

pub fn run_carrier(command: CarrierCommand) -> anyhow::Result<ExitCode> {
    let (code, name, cert_fingerprint, cert, cert_subject, config) = match command {
        CarrierCommand::Add {
            code,
            name,
            cert_fingerprint,
            cert,
            cert_subject,
            config,
        } => (code, name, cert_fingerprint, cert, cert_subject, config),
        CarrierCommand::NewToken { code, config } => return new_carrier_token(&code, config),
    };
    let cert_sha256 = match (cert_fingerprint, cert) {
        (Some(hex), _) => Some(parse_fingerprint(&hex)?),
        (None, Some(path)) => {
            let der = CertificateDer::from_pem_file(&path)
                .with_context(|| format!("no PEM certificate in {}", path.display()))?;
            Some(ContentHash::of(der.as_ref()))
        }
        (None, None) => None,
    };
    let config = config.load()?;
    let token = generate_token();
    runtime()?.block_on(async {
        let store = open_store(&config).await?;
        store
            .create_carrier(&NewCarrier {
                name: name.unwrap_or_else(|| code.clone()),
                code,
                token_sha256: token_digest(&token),
                cert_sha256,
                cert_subject,
                created_at: OffsetDateTime::now_utc(),
            })
            .await
            .context("cannot create the carrier")?;
        store.close().await;
        anyhow::Ok(())
    })?;
    println!("{token}");
    eprintln!("carrier created; the token above is shown only once");
    Ok(ExitCode::SUCCESS)
}

fn parse_fingerprint(text: &str) -> anyhow::Result<ContentHash> {
    let hex_digits: String = text.chars().filter(|c| *c != ':').collect();
    let bytes = hex::decode(&hex_digits).context("fingerprint is not hex")?;
    let Ok(bytes) = <[u8; 32]>::try_from(bytes.as_slice()) else {
        bail!("fingerprint must be a SHA-256 (32 bytes, 64 hex digits)");
    };
    Ok(ContentHash::from(bytes))
}
